using Dapper;
using DbUp;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Data;

[Collection(PlatformCollection.Name)]
public sealed class CartMigrationTests(ManagedPostgresFixture postgres)
{
    private const string CartMigration = "0006_cart_items.sql";

    private const string Fingerprint = """
        SELECT (SELECT md5(string_agg(u::text, ',' ORDER BY u.id)) FROM users u WHERE u.id = ANY(@users))
            || (SELECT md5(string_agg(p::text, ',' ORDER BY p.id)) FROM products p)
            || (SELECT md5(string_agg(o::text, ',' ORDER BY o.id)) FROM orders o)
            || (SELECT md5(string_agg(i::text, ',' ORDER BY i.order_id, i.product_id)) FROM order_items i)
        """;

    [Fact]
    public async Task A_database_made_before_the_cart_migration_is_upgraded_in_place_with_its_data_kept()
    {
        var database = await postgres.CreateDatabaseAsync("before-carts");
        var before = DeployChanges.To.PostgresqlDatabase(database)
            .WithScriptsEmbeddedInAssembly(typeof(Program).Assembly, name =>
                name.Contains(".Data.Migrations.", StringComparison.Ordinal) && string.CompareOrdinal(Script(name), CartMigration) < 0)
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        Assert.True(before.Successful, before.Error?.Message);
        await using var connection = new NpgsqlConnection(database);
        var customer = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO users (email, password_hash) VALUES ('old.customer@example.com', 'x') RETURNING id");
        var order = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO orders (user_id, total, idempotency_key) VALUES (@customer, 37.00, 'k-1') RETURNING id", new { customer });
        await connection.ExecuteAsync(
            "INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES (@order, 1, 2, 18.50); UPDATE products SET stock = stock - 2 WHERE id = 1",
            new { order });
        var kept = await connection.ExecuteScalarAsync<string>(Fingerprint, new { users = new[] { customer } });

        await using (var platform = new PlatformFactory(database))
        {
            _ = platform.Server;
        }

        Assert.Equal(kept, await connection.ExecuteScalarAsync<string>(Fingerprint, new { users = new[] { customer } }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM schemaversions WHERE scriptname LIKE '%' || @script", new { script = CartMigration }));
        Assert.Equal(1, await connection.ExecuteAsync(
            "INSERT INTO cart_items (user_id, product_id, quantity) VALUES (@customer, 1, 2)", new { customer }));
    }

    private static string Script(string resourceName) => resourceName[(resourceName.IndexOf(".Data.Migrations.", StringComparison.Ordinal) + ".Data.Migrations.".Length)..];
}
