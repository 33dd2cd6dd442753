using System.Data;
using Npgsql;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Backups;

/// <summary>
/// Runs pg_dump inside a snapshot this class exports and holds open, and counts rows in that same snapshot,
/// so the manifest's counts describe exactly the data in the dump even while orders keep arriving.
/// The largest tables are dumped by their own pg_dump processes in parallel (one server backend each) and the
/// parts are joined in order — schema, data, indexes and keys — into one plain SQL file that psql restores as is.
/// The dumps start at once; <see cref="WriteToAsync"/> says where their bytes go once the caller knows.
/// </summary>
internal sealed class SnapshotDump : IAsyncDisposable
{
    private const string LargestTables = """
        SELECT format('"%s"."%s"', replace(n.nspname, '"', '""'), replace(c.relname, '"', '""'))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
        ORDER BY pg_relation_size(c.oid) DESC, 1
        LIMIT $1
        """;

    private static readonly string[] _preData = ["--section=pre-data"];
    private static readonly string[] _postData = ["--section=post-data"];

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly List<string[]> _parts;
    private readonly DumpPartQueue _queue;
    private readonly CancellationTokenSource _failFast;
    private readonly List<Task<CompressedOutput>> _dumps = [];
    private Exception? _firstFailure;

    private SnapshotDump(NpgsqlConnection connection, NpgsqlTransaction transaction, List<string[]> parts, string workDirectory, CancellationToken cancellationToken)
    {
        _connection = connection;
        _transaction = transaction;
        _parts = parts;
        _queue = new DumpPartQueue(workDirectory, parts.Count);
        _failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Rows per table in the dump's snapshot.</summary>
    public SortedDictionary<string, long> RowCounts { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>The server's version.</summary>
    public string ServerVersion => _connection.PostgreSqlVersion.ToString();

    /// <summary>pg_dump's version line.</summary>
    public string ToolVersion { get; private set; } = "";

    /// <summary>The section of each part, in the order they are joined.</summary>
    public IReadOnlyList<string> Sections => _parts.Select(arguments => arguments[0]["--section=".Length..]).ToList();

    /// <summary>The one table each part dumps (null for a part of several tables or none), in the order they are joined.</summary>
    public IReadOnlyList<string?> Tables =>
        _parts.Select(arguments => arguments is [_, var table] && table.StartsWith("--table=", StringComparison.Ordinal) ? table["--table=".Length..] : null).ToList();

    /// <summary>Exports a snapshot of <paramref name="server"/>'s platform database, starts the dumps and counts the rows.</summary>
    /// <param name="server">The server.</param>
    /// <param name="workDirectory">Where parts wait for their turn (the backup directory, on the same disk).</param>
    /// <param name="progress">Receives the uncompressed bytes dumped so far.</param>
    /// <param name="cancellationToken">Stops every pg_dump.</param>
    /// <exception cref="DatabaseUnavailableException">The server or database cannot be reached.</exception>
    /// <exception cref="BackupFailedException">pg_dump failed.</exception>
    public static async Task<SnapshotDump> StartAsync(ResolvedDatabaseServer server, string workDirectory, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var toolVersion = ToolVersionAsync(server, cancellationToken);
        var connection = await server.OpenAsync(server.DatabaseName, cancellationToken);
        SnapshotDump? dump = null;
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            string snapshot;
            await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction))
            {
                snapshot = (string)(await export.ExecuteScalarAsync(cancellationToken))!;
            }

            dump = new SnapshotDump(connection, transaction, DumpParts(await LargestAsync(connection, transaction, cancellationToken)), workDirectory, cancellationToken);
            dump.Start(server, snapshot, progress);
            dump.RowCounts = await TableCounter.CountAsync(connection, transaction, cancellationToken);
            dump.ToolVersion = await toolVersion;
            return dump;
        }
        catch
        {
            await toolVersion.ContinueWith(_ => { }, TaskScheduler.Default);
            if (dump is not null)
            {
                await dump.DisposeAsync();
            }
            else
            {
                await connection.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Writes the dump into <paramref name="member"/> as its parts arrive and returns where each part lies in it.</summary>
    /// <exception cref="BackupFailedException">pg_dump failed.</exception>
    public async Task<IReadOnlyList<DumpPartInfo>> WriteToAsync(Stream member, CancellationToken cancellationToken)
    {
        CompressedOutput[] outputs;
        try
        {
            await _queue.BeginAsync(member, cancellationToken);
            outputs = await Task.WhenAll(_dumps);
        }
        catch when (_firstFailure is not null)
        {
            // WhenAll ends only once every part has: the part that failed first is the one to report. Any part still
            // running after a failed write into the archive is stopped by DisposeAsync.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_firstFailure);
            throw;
        }

        var offset = 0L;
        var (sections, tables) = (Sections, Tables);
        return outputs.Select((output, index) =>
        {
            var part = new DumpPartInfo(sections[index], offset, output.OutputBytes, output.Sha256, output.InputBytes, tables[index]);
            offset += output.OutputBytes;
            return part;
        }).ToList();
    }

    private void Start(ResolvedDatabaseServer server, string snapshot, IProgress<long>? progress)
    {
        var dumped = new long[_parts.Count];
        for (var index = 0; index < _parts.Count; index++)
        {
            var part = index;
            var partProgress = progress is null ? null : new Progress<long>(bytes =>
            {
                Interlocked.Exchange(ref dumped[part], bytes);
                progress.Report(dumped.Sum());
            });
            _dumps.Add(DumpAsync(server, snapshot, part, partProgress));
        }
    }

    private async Task<CompressedOutput> DumpAsync(ResolvedDatabaseServer server, string snapshot, int index, IProgress<long>? progress)
    {
        try
        {
            var output = await DumpPart.RunAsync(server, snapshot, _parts[index], _queue.Part(index), progress, _failFast.Token);
            await _queue.CompleteAsync(index, _failFast.Token);
            return output;
        }
        catch (Exception exception)
        {
            // One failed part stops the others at once, rather than after they have dumped everything else; its
            // error, not theirs, is the one reported.
            Interlocked.CompareExchange(ref _firstFailure, exception, null);
            await _failFast.CancelAsync();
            throw;
        }
    }

    private static async Task<List<string>> LargestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var largest = new List<string>();
        await using var list = new NpgsqlCommand(LargestTables, connection, transaction) { Parameters = { new() { Value = Environment.ProcessorCount } } };
        await using var reader = await list.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            largest.Add(reader.GetString(0));
        }

        return largest;
    }

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

    /// <summary>Stops any pg_dump still running, removes the spool files and ends the snapshot.</summary>
    public async ValueTask DisposeAsync()
    {
        await _failFast.CancelAsync();
        await Task.WhenAll(_dumps).ContinueWith(_ => { }, TaskScheduler.Default);
        await _queue.DisposeAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
        _failFast.Dispose();
    }
}

/// <summary>A backup could not be made; the message says why in one line. No partial archive is left.</summary>
public sealed class BackupFailedException(string message, Exception? inner = null) : Exception(message, inner);
