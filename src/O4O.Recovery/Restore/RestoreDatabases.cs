using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Restore;

/// <summary>
/// Creating, recognising and dropping the databases a restore or verify makes. Each one it creates carries a
/// comment naming its creator, so a later run can tell its own leftover from a database someone else made.
/// </summary>
public static class RestoreDatabases
{
    /// <summary>The comment that marks a database as created by o4o for a restore or a verification.</summary>
    public const string Marker = "o4o: created by o4o restore/verify; safe to drop when no o4o command is running";

    /// <summary>
    /// The server options (libpq's <c>PGOPTIONS</c>) of every session that loads a copy: its commits do not wait for the
    /// disk. Nothing is lost by it. The copy goes live only through the swap's commit, which is synchronous and so
    /// flushes all WAL written before it; a crash before then leaves an unfinished copy, which the next run removes.
    /// They come after any options of the configured connection string, so they win.
    /// </summary>
    internal const string LoadOptions = "-c synchronous_commit=off";

    /// <summary>An unpooled connection string for a session that loads <paramref name="database"/> (see <see cref="LoadOptions"/>).</summary>
    internal static string LoadConnectionString(ResolvedDatabaseServer server, string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString(database));
        builder.Options = $"{builder.Options} {LoadOptions}".TrimStart();
        return builder.ConnectionString;
    }

    /// <summary>True when <paramref name="database"/> exists on the server.</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection admin, string database, CancellationToken cancellationToken) =>
        await ScalarAsync(admin, "SELECT 1 FROM pg_database WHERE datname = $1", database, cancellationToken) is not null;

    /// <summary>True when <paramref name="database"/> exists and carries o4o's marker.</summary>
    public static async Task<bool> IsOursAsync(NpgsqlConnection admin, string database, CancellationToken cancellationToken) =>
        await ScalarAsync(admin, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", database, cancellationToken) as string == Marker;

    /// <summary>Creates an empty database (from template0, as pg_dump's output expects) marked as o4o's.</summary>
    public static async Task CreateAsync(NpgsqlConnection admin, string database, CancellationToken cancellationToken)
    {
        var name = ManagedCluster.QuoteIdentifier(database);
        await ExecuteAsync(admin, $"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'", cancellationToken);
        await ExecuteAsync(admin, $"COMMENT ON DATABASE {name} IS '{Marker}'", cancellationToken);
    }

    /// <summary>Drops <paramref name="database"/>, ending its sessions first.</summary>
    public static async Task DropAsync(NpgsqlConnection admin, string database, CancellationToken cancellationToken) =>
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {ManagedCluster.QuoteIdentifier(database)} WITH (FORCE)", cancellationToken);

    /// <summary>Opens an administrative connection (to the <c>postgres</c> database).</summary>
    public static Task<NpgsqlConnection> OpenAdminAsync(ResolvedDatabaseServer server, CancellationToken cancellationToken) =>
        server.OpenAsync("postgres", cancellationToken);

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, string parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = parameter } } };
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
