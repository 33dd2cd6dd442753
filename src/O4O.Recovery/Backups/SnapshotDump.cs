using System.Data;
using System.Diagnostics;
using Npgsql;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Backups;

/// <summary>What <see cref="SnapshotDump.RunAsync"/> produced.</summary>
/// <param name="RowCounts">Rows per table in the dump's snapshot.</param>
/// <param name="ServerVersion">The server's version.</param>
/// <param name="ToolVersion">pg_dump's version line.</param>
/// <param name="Output">The compressed dump's sizes and hash.</param>
public sealed record DumpResult(SortedDictionary<string, long> RowCounts, string ServerVersion, string ToolVersion, CompressedOutput Output);

/// <summary>
/// Runs pg_dump inside a snapshot this class exports and holds open, and counts rows in that same snapshot,
/// so the manifest's counts describe exactly the data in the dump even while orders keep arriving.
/// </summary>
public static class SnapshotDump
{
    /// <summary>Dumps <paramref name="server"/>'s platform database as plain SQL, gzip-compressed into <paramref name="destination"/>.</summary>
    /// <exception cref="DatabaseUnavailableException">The server or database cannot be reached.</exception>
    /// <exception cref="BackupFailedException">pg_dump failed.</exception>
    public static async Task<DumpResult> RunAsync(DatabaseServer server, Stream destination, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var toolVersion = await ToolVersionAsync(server, cancellationToken);
        await using var connection = await server.OpenAsync(server.DatabaseName, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        string snapshot;
        await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction))
        {
            snapshot = (string)(await export.ExecuteScalarAsync(cancellationToken))!;
        }

        using var pgDump = StartPgDump(server, snapshot);
        var errors = pgDump.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            var compress = ParallelGzip.CompressAsync(pgDump.StandardOutput.BaseStream, destination, progress, cancellationToken);
            var counts = await TableCounter.CountAsync(connection, transaction, cancellationToken);
            var output = await compress;
            await pgDump.WaitForExitAsync(cancellationToken);
            if (pgDump.ExitCode != 0)
            {
                var reason = new CommandResult(pgDump.ExitCode, "", await errors).LastErrorLine;
                throw new BackupFailedException($"pg_dump failed: {reason}");
            }

            return new DumpResult(counts, connection.PostgreSqlVersion.ToString(), toolVersion, output);
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

    private static Process StartPgDump(DatabaseServer server, string snapshot)
    {
        var start = new ProcessStartInfo(server.Binaries.Tool("pg_dump"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--format=plain", "--no-password", $"--snapshot={snapshot}" },
        };
        foreach (var (name, value) in server.ToolEnvironment(server.DatabaseName))
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new BackupFailedException("pg_dump could not be started.");
    }

    private static async Task<string> ToolVersionAsync(DatabaseServer server, CancellationToken cancellationToken)
    {
        var result = await CommandRunner.RunAsync(new ProcessStartInfo(server.Binaries.Tool("pg_dump"), ["--version"]), cancellationToken);
        return result.ExitCode == 0 ? result.StandardOutput.Trim() : throw new BackupFailedException($"pg_dump --version failed: {result.LastErrorLine}");
    }
}

/// <summary>A backup could not be made; the message says why in one line. No partial archive is left.</summary>
public sealed class BackupFailedException(string message, Exception? inner = null) : Exception(message, inner);
