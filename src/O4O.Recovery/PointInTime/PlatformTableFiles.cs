using Npgsql;

namespace O4O.Recovery.PointInTime;

/// <summary>Reads the platform tables' data files from a database's catalogue (a side instance's, at the search's start).</summary>
internal static class PlatformTableFiles
{
    private const string Files = """
        SELECT n.nspname || '.' || c.relname, CASE c.reltablespace WHEN 0 THEN d.dattablespace ELSE c.reltablespace END,
               d.oid, pg_relation_filenode(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_database d ON d.datname = current_database()
        WHERE c.relkind = 'r'
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
        ORDER BY 1
        """;

    /// <summary>
    /// Every user table of the connection's database, named <c>schema.table</c> as backups' row counts are, with its
    /// row count from <paramref name="rowsAtStart"/> where it has one.
    /// </summary>
    public static async Task<IReadOnlyList<PlatformTable>> ReadAsync(NpgsqlConnection connection, IReadOnlyDictionary<string, long>? rowsAtStart,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Files, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new List<PlatformTable>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            var file = new RelationFile(reader.GetFieldValue<uint>(1), reader.GetFieldValue<uint>(2), reader.GetFieldValue<uint>(3));
            tables.Add(new PlatformTable(name, file, rowsAtStart?.TryGetValue(name, out var rows) == true ? rows : null));
        }

        return tables;
    }
}
