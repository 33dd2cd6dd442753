using System.Diagnostics;
using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Processes;
using O4O.Recovery.Restore;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Copies the platform database from the side instance (promoted at the target, which nobody else connects to) into
/// the live cluster's side database the way a parted logical restore loads (<see cref="PartedLoad"/>): one pg_dump of
/// the side instance per part — the schema, the tables' data split in <see cref="DataParts"/> parts of about equal size,
/// the indexes and keys — streamed straight into the loader, each data part on its own connection, each table's indexes
/// built as soon as its rows are in; meanwhile every table's rows are counted on the side instance for the copy's
/// verification. One pg_dump for everything made a thousand small tables wait on one stream and every index wait on
/// the last table.
/// </summary>
internal static class SideCopy
{
    private static readonly string[] _preData = ["--section=pre-data"];
    private static readonly string[] _postData = ["--section=post-data"];

    private const string TableSizes = """
        SELECT format('"%s"."%s"', replace(n.nspname, '"', '""'), replace(c.relname, '"', '""')), pg_relation_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 2 DESC, 1
        """;

    /// <summary>How many parts the tables' data is dumped and loaded in: one per core, at least two.</summary>
    private static int DataParts => Math.Max(2, Environment.ProcessorCount);

    /// <summary>Rows per table of the platform database on the side instance.</summary>
    public static Task<SortedDictionary<string, long>> CountAsync(ResolvedDatabaseServer side, CancellationToken cancellationToken) =>
        TableCounter.CountInParallelAsync(side.ConnectionString(side.DatabaseName), Math.Max(2, Environment.ProcessorCount), cancellationToken);

    /// <summary>Loads <paramref name="side"/>'s platform database into <paramref name="database"/> on <paramref name="live"/> once it is created.</summary>
    /// <returns>Rows per table on the side instance, which the copy must hold.</returns>
    /// <exception cref="RestoreFailedException">pg_dump or the load failed.</exception>
    public static async Task<IReadOnlyDictionary<string, long>> CopyAsync(ResolvedDatabaseServer side, ResolvedDatabaseServer live, string database, Task created,
        CancellationToken cancellationToken)
    {
        var expected = CountAsync(side, cancellationToken);
        try
        {
            var parts = await PartsAsync(side, cancellationToken);
            await PartedLoad.LoadPartsAsync(live, database, created, [.. parts.Select(part => part[0]["--section=".Length..])], null,
                (index, loader, token) => DumpAsync(side, parts[index], loader, token), () => Task.CompletedTask, cancellationToken);
        }
        finally
        {
            await expected.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return await expected;
    }

    /// <summary>pg_dump's arguments for each part: the largest tables first, each to the part with the fewest bytes so far; the last part dumps every table's data the others do not.</summary>
    private static async Task<List<string[]>> PartsAsync(ResolvedDatabaseServer side, CancellationToken cancellationToken)
    {
        var groups = Enumerable.Range(0, DataParts).Select(_ => (Bytes: 0L, Tables: new List<string>())).ToArray();
        await using (var connection = await side.OpenAsync(side.DatabaseName, cancellationToken))
        await using (var sizes = new NpgsqlCommand(TableSizes, connection))
        await using (var reader = await sizes.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var smallest = Array.IndexOf(groups, groups.MinBy(group => group.Bytes));
                groups[smallest] = (groups[smallest].Bytes + reader.GetInt64(1), groups[smallest].Tables);
                groups[smallest].Tables.Add(reader.GetString(0));
            }
        }

        var named = groups[..^1].Where(group => group.Tables.Count > 0).Select(group => group.Tables).ToList();
        var parts = new List<string[]> { _preData };
        parts.AddRange(named.Select(tables => (string[])["--section=data", .. tables.Select(table => $"--table={table}")]));
        parts.Add(["--section=data", .. named.SelectMany(tables => tables).Select(table => $"--exclude-table-data={table}")]);
        parts.Add(_postData);
        return parts;
    }

    /// <summary>Streams one pg_dump of the side instance into <paramref name="loader"/>.</summary>
    private static async Task<string> DumpAsync(ResolvedDatabaseServer side, string[] arguments, DumpLoader loader, CancellationToken cancellationToken)
    {
        using var pgDump = Process.Start(side.PgDump(arguments)) ?? throw new RestoreFailedException("pg_dump could not be started.");
        var errors = pgDump.StandardError.ReadToEndAsync(cancellationToken);
        UnixProcess.EnlargePipe(pgDump.StandardOutput.BaseStream, 1 << 20);
        try
        {
            var statements = await loader.LoadPartAsync(pgDump.StandardOutput.BaseStream, null, cancellationToken);
            await pgDump.WaitForExitAsync(cancellationToken);
            return pgDump.ExitCode == 0
                ? statements
                : throw new RestoreFailedException($"pg_dump of the side instance failed: {new CommandResult(pgDump.ExitCode, "", await errors).LastErrorLine}");
        }
        catch (RestoreFailedException) when (pgDump.HasExited && pgDump.ExitCode != 0)
        {
            // The loader saw the dump end early: pg_dump's own error says why.
            throw new RestoreFailedException($"pg_dump of the side instance failed: {new CommandResult(pgDump.ExitCode, "", await errors).LastErrorLine}");
        }
        finally
        {
            if (!pgDump.HasExited)
            {
                pgDump.Kill(entireProcessTree: true);
                await pgDump.WaitForExitAsync(CancellationToken.None);
            }
        }
    }
}
