using System.Diagnostics;
using O4O.Recovery.Configuration;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Supervision;

/// <summary>
/// A platform left running by a conductor that was killed (SIGKILL gives it no chance to stop its children).
/// The next conductor for the same home stops it before starting its own, as <c>ManagedCluster</c> does for a postmaster.
/// </summary>
internal static class OrphanedPlatform
{
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Stops the platform named in a stale <c>run/conductor.json</c> of <paramref name="home"/>, if it still runs.
    /// Returns its process id when there was one. Call only while holding the <see cref="ConductorLock"/>.
    /// </summary>
    public static async Task<int?> StopAsync(O4OHome home, CancellationToken cancellationToken)
    {
        if (ConductorRecord.Read(home) is not { Platform.Pid: { } pid } record
            || UnixProcess.IsAlive(record.ConductorPid)
            || !IsPlatform(pid))
        {
            return null;
        }

        UnixProcess.Signal(pid, UnixProcess.SigTerm);
        var waited = Stopwatch.StartNew();
        while (UnixProcess.IsAlive(pid) && waited.Elapsed < _stopTimeout)
        {
            await Task.Delay(100, cancellationToken);
        }

        UnixProcess.Signal(pid, UnixProcess.SigKill);
        return pid;
    }

    // The pid may have been reused since the record was written: only a process running the platform is stopped.
    private static bool IsPlatform(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("O4O.Platform", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
