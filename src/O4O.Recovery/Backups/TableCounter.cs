using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Backups;

/// <summary>Counts the rows of every user table, in whatever snapshot the connection's transaction holds.</summary>
internal static class TableCounter
{
    private const string UserTables = """
        SELECT n.nspname, c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r'
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 1, 2
        """;

    /// <summary>Rows per table, keyed <c>schema.table</c>.</summary>
    public static async Task<SortedDictionary<string, long>> CountAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in await ListAsync(connection, transaction, cancellationToken))
        {
            counts[table.Key] = await CountOneAsync(connection, transaction, table, cancellationToken);
        }

        return counts;
    }

    /// <summary>Rows per table on <paramref name="connections"/> connections at once (no common snapshot: for a database nobody writes to).</summary>
    public static async Task<SortedDictionary<string, long>> CountInParallelAsync(string connectionString, int connections, CancellationToken cancellationToken)
    {
        var tables = new ConcurrentQueue<UserTable>();
        await using (var connection = await OpenCounterAsync(connectionString, cancellationToken))
        {
            (await ListAsync(connection, null, cancellationToken)).ForEach(tables.Enqueue);
        }

        var counts = new ConcurrentDictionary<string, long>();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(connections, tables.Count)).Select(_ => Task.Run(async () =>
        {
            await using var connection = await OpenCounterAsync(connectionString, cancellationToken);
            while (tables.TryDequeue(out var table))
            {
                counts[table.Key] = await CountOneAsync(connection, null, table, cancellationToken);
            }
        }, cancellationToken)));
        return new SortedDictionary<string, long>(counts, StringComparer.Ordinal);
    }

    /// <summary>A connection for counting side by side with others: a parallel scan's workers would only compete with them.</summary>
    private static async Task<NpgsqlConnection> OpenCounterAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var serial = new NpgsqlCommand("SET max_parallel_workers_per_gather = 0", connection);
            await serial.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<List<UserTable>> ListAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var tables = new List<UserTable>();
        await using var list = new NpgsqlCommand(UserTables, connection, transaction);
        await using var reader = await list.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(new UserTable(reader.GetString(0), reader.GetString(1)));
        }

        return tables;
    }

    private static async Task<long> CountOneAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, UserTable table, CancellationToken cancellationToken)
    {
        var sql = $"SELECT count(*) FROM ONLY {ManagedCluster.QuoteIdentifier(table.Schema)}.{ManagedCluster.QuoteIdentifier(table.Name)}";
        await using var count = new NpgsqlCommand(sql, connection, transaction);
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private sealed record UserTable(string Schema, string Name)
    {
        public string Key => $"{Schema}.{Name}";
    }
}
