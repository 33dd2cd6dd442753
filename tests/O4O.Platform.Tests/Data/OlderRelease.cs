using DbUp;

namespace O4O.Platform.Tests.Data;

/// <summary>Databases as an earlier release left them: migrated up to, and without, a given script.</summary>
internal static class OlderRelease
{
    private const string Folder = ".Data.Migrations.";

    /// <summary>
    /// A digest of the rows an older release wrote (the given users, every product, order and order line), over the
    /// columns it had by name: later migrations may add columns, and a row must still read the same in those it had.
    /// Products are read without their price and update time: 0009 reprices the demo products still at their seeded
    /// prices in won, and its own test (<c>DemoPricesMigrationTests</c>) checks what it changes and what it keeps.
    /// </summary>
    public const string Fingerprint = """
        SELECT (SELECT md5(string_agg((u.id, u.email, u.password_hash, u.role, u.created_at, u.locked_until, u.disabled)::text, ',' ORDER BY u.id))
                FROM users u WHERE u.id = ANY(@users))
            || (SELECT md5(string_agg((p.id, p.sku, p.name, p.description, p.stock, p.created_at)::text, ',' ORDER BY p.id))
                FROM products p)
            || (SELECT md5(string_agg((o.id, o.user_id, o.status, o.total, o.idempotency_key, o.created_at)::text, ',' ORDER BY o.id))
                FROM orders o)
            || (SELECT md5(string_agg((i.order_id, i.product_id, i.quantity, i.unit_price)::text, ',' ORDER BY i.order_id, i.product_id))
                FROM order_items i)
        """;

    /// <summary>Applies the platform's migrations that sort before <paramref name="firstNewScript"/> (e.g. <c>0007_order_workflow.sql</c>).</summary>
    public static void Migrate(string database, string firstNewScript)
    {
        var result = DeployChanges.To.PostgresqlDatabase(database)
            .WithScriptsEmbeddedInAssembly(typeof(Program).Assembly, name =>
                name.Contains(Folder, StringComparison.Ordinal) && string.CompareOrdinal(Script(name), firstNewScript) < 0)
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        Assert.True(result.Successful, result.Error?.Message);
    }

    private static string Script(string resourceName) => resourceName[(resourceName.IndexOf(Folder, StringComparison.Ordinal) + Folder.Length)..];
}
