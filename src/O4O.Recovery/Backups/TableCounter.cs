using System.Globalization;
using Npgsql;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Backups;

/// <summary>Counts the rows of every user table, in whatever snapshot the connection's transaction holds.</summary>
public static class TableCounter
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
        var tables = new List<(string Schema, string Table)>();
        await using (var list = new NpgsqlCommand(UserTables, connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (schema, table) in tables)
        {
            var sql = $"SELECT count(*) FROM ONLY {ManagedCluster.QuoteIdentifier(schema)}.{ManagedCluster.QuoteIdentifier(table)}";
            await using var count = new NpgsqlCommand(sql, connection, transaction);
            counts[$"{schema}.{table}"] = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        return counts;
    }
}
