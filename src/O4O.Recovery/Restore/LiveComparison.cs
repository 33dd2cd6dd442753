using System.Globalization;
using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Restore;

/// <summary>One table whose live rows differ from the archive's.</summary>
/// <param name="Table">The table, <c>schema.table</c>.</param>
/// <param name="Difference">Live rows minus archived rows.</param>
/// <param name="Estimated">True when the live count is the planner's estimate (an exact count took too long).</param>
/// <param name="Newer">Live rows whose <c>created_at</c> is after the backup; null for a table without that column.</param>
public sealed record TableChange(string Table, long Difference, bool Estimated, long? Newer);

/// <summary>
/// What a restore would take away from the live database: rows per table beyond the archive's, and rows created after
/// the backup. Counting never fails the restore: what cannot be counted is named instead.
/// </summary>
/// <param name="Changes">The tables that differ.</param>
/// <param name="Uncounted">Tables that could not be counted (dropped, damaged).</param>
/// <param name="Unreadable">Why the live database could not be read at all; null when it could.</param>
public sealed record LiveComparison(IReadOnlyList<TableChange> Changes, IReadOnlyList<string> Uncounted, string? Unreadable)
{
    /// <summary>How long one exact count may take before the estimate stands in: the restore is waiting.</summary>
    private const int CountTimeoutMilliseconds = 2000;

    private const string LiveTables = """
        SELECT n.nspname, c.relname, c.reltuples::bigint,
               EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'created_at' AND NOT a.attisdropped)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
        ORDER BY 1, 2
        """;

    /// <summary>True when nothing in the live database is newer than the backup.</summary>
    public bool Nothing => Changes.Count == 0 && Uncounted.Count == 0 && Unreadable is null;

    /// <summary>Compares <paramref name="database"/> on <paramref name="server"/> with <paramref name="manifest"/>.</summary>
    public static Task<LiveComparison> CompareAsync(ResolvedDatabaseServer server, string database, BackupManifest manifest, CancellationToken cancellationToken) =>
        CompareAsync(server, database, manifest.RowCounts, manifest.CreatedAt, cancellationToken);

    /// <summary>
    /// Compares <paramref name="database"/> on <paramref name="server"/> with <paramref name="rowCounts"/> (rows per
    /// <c>schema.table</c>) of a copy taken at <paramref name="since"/>: live rows created after it are counted apart.
    /// </summary>
    public static Task<LiveComparison> CompareAsync(ResolvedDatabaseServer server, string database, IReadOnlyDictionary<string, long> rowCounts,
        DateTimeOffset since, CancellationToken cancellationToken) =>
        CompareAsync(server, database, Task.FromResult(rowCounts), since, cancellationToken);

    /// <summary>
    /// <see cref="CompareAsync(ResolvedDatabaseServer, string, IReadOnlyDictionary{string, long}, DateTimeOffset, CancellationToken)"/>
    /// with the copy's rows still being counted: the live ones are counted meanwhile, not one side after the other.
    /// </summary>
    public static async Task<LiveComparison> CompareAsync(ResolvedDatabaseServer server, string database, Task<IReadOnlyDictionary<string, long>> rowCounts,
        DateTimeOffset since, CancellationToken cancellationToken)
    {
        var counted = new List<(string Table, (long Rows, bool Estimated, long? Newer)? Counted)>();
        try
        {
            await using var connection = await server.OpenAsync(database, cancellationToken);
            await using (var timeout = new NpgsqlCommand($"SET statement_timeout = {CountTimeoutMilliseconds}", connection))
            {
                await timeout.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var table in await ListAsync(connection, cancellationToken))
            {
                counted.Add((table.Key, await CountAsync(connection, table, since, cancellationToken)));
            }
        }
        // A damaged live database can break the connection mid-count ("Connection is not open"): the comparison then
        // says it could not read the database, and the restore, which is the cure, goes on.
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await rowCounts;
            return new LiveComparison([], [], exception.Message);
        }

        var copy = await rowCounts;
        var changes = new List<TableChange>();
        foreach (var (table, rows) in counted)
        {
            var archived = copy.GetValueOrDefault(table);
            if (rows is { } live && (live.Rows != archived || live.Newer > 0))
            {
                changes.Add(new TableChange(table, live.Rows - archived, live.Estimated, live.Newer));
            }
        }

        var uncounted = counted.Where(table => table.Counted is null).Select(table => table.Table).ToList();
        uncounted.AddRange(copy.Keys.Except(counted.Select(table => table.Table), StringComparer.Ordinal));
        return new LiveComparison(changes, uncounted, null);
    }

    /// <summary>Rows and newer rows; the estimate when the exact count takes too long; null when the table cannot be read.</summary>
    private static async Task<(long Rows, bool Estimated, long? Newer)?> CountAsync(NpgsqlConnection connection, LiveTable table, DateTimeOffset since,
        CancellationToken cancellationToken)
    {
        var name = $"{ManagedCluster.QuoteIdentifier(table.Schema)}.{ManagedCluster.QuoteIdentifier(table.Name)}";
        var newer = table.HasCreatedAt ? "count(*) FILTER (WHERE created_at > $1)" : "NULL::bigint";
        await using var count = new NpgsqlCommand($"SELECT count(*), {newer} FROM ONLY {name}", connection);
        if (table.HasCreatedAt)
        {
            count.Parameters.Add(new NpgsqlParameter { Value = since.UtcDateTime });
        }

        try
        {
            await using var reader = await count.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (reader.GetInt64(0), false, reader.IsDBNull(1) ? null : reader.GetInt64(1));
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.QueryCanceled && table.Estimate >= 0)
        {
            return (table.Estimate, true, null);
        }
        catch (PostgresException)
        {
            return null;
        }
    }

    private static async Task<List<LiveTable>> ListAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = new List<LiveTable>();
        await using var list = new NpgsqlCommand(LiveTables, connection);
        await using var reader = await list.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(new LiveTable(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3)));
        }

        return tables;
    }

    private sealed record LiveTable(string Schema, string Name, long Estimate, bool HasCreatedAt)
    {
        public string Key => string.Create(CultureInfo.InvariantCulture, $"{Schema}.{Name}");
    }
}
