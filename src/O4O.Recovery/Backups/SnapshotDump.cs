using System.Data;
using Npgsql;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Backups;

/// <summary>What <see cref="SnapshotDump.RunAsync"/> produced.</summary>
/// <param name="RowCounts">Rows per table in the dump's snapshot.</param>
/// <param name="ServerVersion">The server's version.</param>
/// <param name="ToolVersion">pg_dump's version line.</param>
/// <param name="Output">The compressed dump's sizes and hash.</param>
/// <param name="Parts">Where each pg_dump part lies in the compressed dump.</param>
public sealed record DumpResult(SortedDictionary<string, long> RowCounts, string ServerVersion, string ToolVersion, CompressedOutput Output, IReadOnlyList<DumpPartInfo> Parts);

/// <summary>
/// Runs pg_dump inside a snapshot this class exports and holds open, and counts rows in that same snapshot,
/// so the manifest's counts describe exactly the data in the dump even while orders keep arriving.
/// The largest tables are dumped by their own pg_dump processes in parallel (one server backend each) and the
/// parts are joined in order — schema, data, indexes and keys — into one plain SQL file that psql restores as is.
/// </summary>
public static class SnapshotDump
{
    private const string LargestTables = """
        SELECT format('"%s"."%s"', replace(n.nspname, '"', '""'), replace(c.relname, '"', '""'))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
        ORDER BY pg_relation_size(c.oid) DESC, 1
        LIMIT $1
        """;

    /// <summary>Dumps <paramref name="server"/>'s platform database as plain SQL, gzip-compressed into <paramref name="destination"/>.</summary>
    /// <param name="server">The server.</param>
    /// <param name="workDirectory">Where the parts wait to be joined (the backup directory, on the same disk).</param>
    /// <param name="destination">Receives the compressed dump.</param>
    /// <param name="progress">Receives the uncompressed bytes dumped so far.</param>
    /// <param name="cancellationToken">Stops every pg_dump.</param>
    /// <exception cref="DatabaseUnavailableException">The server or database cannot be reached.</exception>
    /// <exception cref="BackupFailedException">pg_dump failed.</exception>
    public static async Task<DumpResult> RunAsync(ResolvedDatabaseServer server, string workDirectory, Stream destination, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var toolVersion = await ToolVersionAsync(server, cancellationToken);
        await using var connection = await server.OpenAsync(server.DatabaseName, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        string snapshot;
        await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction))
        {
            snapshot = (string)(await export.ExecuteScalarAsync(cancellationToken))!;
        }

        var largest = new List<string>();
        await using (var list = new NpgsqlCommand(LargestTables, connection, transaction) { Parameters = { new() { Value = Environment.ProcessorCount } } })
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                largest.Add(reader.GetString(0));
            }
        }

        var parts = DumpParts(largest);
        var dumped = new long[parts.Count];
        var partProgress = progress is null ? null : new Func<int, IProgress<long>>(index => new Progress<long>(bytes =>
        {
            Interlocked.Exchange(ref dumped[index], bytes);
            progress.Report(dumped.Sum());
        }));
        await using var files = new DumpPartFiles(workDirectory, parts.Count);
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var dumps = parts.Select((arguments, index) => DumpPart.RunAsync(server, snapshot, arguments, files.Open(index), partProgress?.Invoke(index), failFast.Token)).ToList();
        CompressedOutput[] outputs;
        SortedDictionary<string, long> counts;
        try
        {
            counts = await TableCounter.CountAsync(connection, transaction, cancellationToken);
            outputs = await Task.WhenAll(dumps);
        }
        catch
        {
            // One failed part stops the others before their files are removed.
            await failFast.CancelAsync();
            await Task.WhenAll(dumps).ContinueWith(_ => { }, TaskScheduler.Default);
            throw;
        }

        var joined = await files.JoinAsync(destination, cancellationToken);
        var offset = 0L;
        var located = outputs.Select((output, index) =>
        {
            var part = new DumpPartInfo(parts[index][0]["--section=".Length..], offset, output.OutputBytes, output.Sha256);
            offset += output.OutputBytes;
            return part;
        }).ToList();
        return new DumpResult(counts, connection.PostgreSqlVersion.ToString(), toolVersion,
            joined with { InputBytes = outputs.Sum(output => output.InputBytes) }, located);
    }

    private static readonly string[] _preData = ["--section=pre-data"];
    private static readonly string[] _postData = ["--section=post-data"];

    /// <summary>pg_dump arguments of each part, in the order they are joined.</summary>
    private static List<string[]> DumpParts(List<string> largest)
    {
        var parts = new List<string[]> { _preData };
        parts.AddRange(largest.Select(table => new[] { "--section=data", $"--table={table}" }));
        parts.Add(["--section=data", .. largest.Select(table => $"--exclude-table-data={table}")]);
        parts.Add(_postData);
        return parts;
    }

    private static async Task<string> ToolVersionAsync(ResolvedDatabaseServer server, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync(new System.Diagnostics.ProcessStartInfo(server.Binaries.Tool("pg_dump"), ["--version"]), cancellationToken);
        return result.ExitCode == 0 ? result.StandardOutput.Trim() : throw new BackupFailedException($"pg_dump --version failed: {result.LastErrorLine}");
    }
}

/// <summary>A backup could not be made; the message says why in one line. No partial archive is left.</summary>
public sealed class BackupFailedException(string message, Exception? inner = null) : Exception(message, inner);
