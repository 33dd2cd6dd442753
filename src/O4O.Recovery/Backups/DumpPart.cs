using System.Diagnostics;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Backups;

/// <summary>One pg_dump process in the exported snapshot, its output compressed into a stream.</summary>
internal static class DumpPart
{
    public static async Task<CompressedOutput> RunAsync(ResolvedDatabaseServer server, string snapshot, string[] arguments, Stream destination,
        IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var start = server.PgDump([$"--snapshot={snapshot}", .. arguments]);
        using var pgDump = Process.Start(start) ?? throw new BackupFailedException("pg_dump could not be started.");
        var errors = pgDump.StandardError.ReadToEndAsync(cancellationToken);
        UnixProcess.EnlargePipe(pgDump.StandardOutput.BaseStream, 1 << 20);
        try
        {
            var output = await ParallelGzip.CompressAsync(pgDump.StandardOutput.BaseStream, destination, progress, cancellationToken);
            await pgDump.WaitForExitAsync(cancellationToken);
            return pgDump.ExitCode == 0
                ? output
                : throw new BackupFailedException($"pg_dump failed: {new CommandResult(pgDump.ExitCode, "", await errors).LastErrorLine}");
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
