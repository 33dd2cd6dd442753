using System.Diagnostics;
using O4O.Recovery.Configuration;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Supervision;

/// <summary>
/// Platforms left running by a conductor that was killed (SIGKILL gives it no chance to stop its children): the one in
/// its record, and any other it started for this home — a conductor killed mid-switch leaves two, the serving one and
/// the one being gated, and both hold a copy of the shop's listening socket. The next conductor for the same home stops
/// them before starting its own, as <c>ManagedCluster</c> does for a postmaster.
/// </summary>
internal static class OrphanedPlatform
{
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Stops every orphaned platform of <paramref name="home"/>, if its conductor is gone, and returns their process ids.
    /// Call only while holding the <see cref="ConductorLock"/>.
    /// </summary>
    public static async Task<IReadOnlyList<int>> StopAsync(O4OHome home, CancellationToken cancellationToken)
    {
        var record = ConductorRecord.Read(home);
        if (record is not null && UnixProcess.IsAlive(record.ConductorPid))
        {
            return [];
        }

        var pids = StartedByAConductor(home).ToHashSet();
        if (record is { Platform.Pid: { } recorded } && IsPlatform(recorded))
        {
            pids.Add(recorded);
        }

        foreach (var pid in pids)
        {
            UnixProcess.Signal(pid, UnixProcess.SigTerm);
        }

        var waited = Stopwatch.StartNew();
        while (pids.Any(UnixProcess.IsAlive) && waited.Elapsed < _stopTimeout)
        {
            await Task.Delay(100, cancellationToken);
        }

        foreach (var pid in pids)
        {
            UnixProcess.Signal(pid, UnixProcess.SigKill);
        }

        return [.. pids.Order()];
    }

    // Platforms whose environment names this home and a conductor's hand-off socket: started by a conductor of this
    // home, never a platform someone runs by hand. Under the lock no conductor of this home runs, so each is an orphan.
    private static IEnumerable<int> StartedByAConductor(O4OHome home)
    {
        var homeSetting = $"{O4OHome.EnvironmentVariable}={home.Root}";
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId || !IsPlatform(pid))
            {
                continue;
            }

            string[] environment;
            try
            {
                environment = File.ReadAllText(Path.Combine(directory, "environ")).Split('\0');
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (environment.Contains(homeSetting) && environment.Any(setting => setting.StartsWith("O4O__Platform__HandOff=", StringComparison.Ordinal)))
            {
                yield return pid;
            }
        }
    }

    // The pid may have been reused since the record was written: only a process running the platform is stopped.
    private static bool IsPlatform(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("O4O.Platform", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
