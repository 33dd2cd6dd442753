using System.Diagnostics;
using O4O.Recovery.Backups;
using O4O.Recovery.Processes;
using O4O.Recovery.Restore;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Copies the platform database from the paused side instance into the live cluster's side database: pg_dump of the
/// side instance streamed straight into the logical restore's loader (parallel COPY, then indexes and keys in dependency
/// order), with every table's rows counted on the side instance
/// for the copy's verification. Replay is paused, so the side instance cannot change under the dump.
/// </summary>
internal static class SideCopy
{
    /// <summary>Rows per table of the platform database on the side instance.</summary>
    public static Task<SortedDictionary<string, long>> CountAsync(ResolvedDatabaseServer side, CancellationToken cancellationToken) =>
        TableCounter.CountInParallelAsync(side.ConnectionString(side.DatabaseName), Math.Max(2, Environment.ProcessorCount), cancellationToken);

    /// <summary>Loads <paramref name="side"/>'s platform database into <paramref name="database"/> on <paramref name="live"/> once it is created.</summary>
    /// <returns>Rows per table on the side instance, which the copy must hold.</returns>
    /// <exception cref="RestoreFailedException">pg_dump or the load failed.</exception>
    public static async Task<IReadOnlyDictionary<string, long>> CopyAsync(ResolvedDatabaseServer side, ResolvedDatabaseServer live, string database, Task created,
        IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var expected = CountAsync(side, cancellationToken);
        var start = side.PgDump([]);
        using var pgDump = Process.Start(start) ?? throw new RestoreFailedException("pg_dump could not be started.");
        var errors = pgDump.StandardError.ReadToEndAsync(cancellationToken);
        UnixProcess.EnlargePipe(pgDump.StandardOutput.BaseStream, 1 << 20);
        try
        {
            await created;
            await using (var loader = new DumpLoader(live, database, Math.Max(2, Environment.ProcessorCount)))
            {
                await loader.LoadAsync(pgDump.StandardOutput.BaseStream, progress, cancellationToken);
            }

            await pgDump.WaitForExitAsync(cancellationToken);
            if (pgDump.ExitCode != 0)
            {
                throw new RestoreFailedException($"pg_dump of the side instance failed: {new CommandResult(pgDump.ExitCode, "", await errors).LastErrorLine}");
            }
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

            await expected.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return await expected;
    }
}
