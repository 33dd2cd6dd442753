using System.Diagnostics;
using O4O.Recovery.Configuration;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Patroni;

/// <summary>
/// etcd and Patroni members left running by a conductor that was killed (SIGKILL gives it no chance to stop its
/// children): they hold the ports the next conductor's would take. The next conductor for the same home stops them before
/// starting its own, as it does an orphaned platform and <c>ManagedCluster</c> a postmaster. Patroni stops its PostgreSQL
/// on SIGTERM.
/// </summary>
internal static class OrphanedPatroni
{
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Stops the members (standbys first, so the stop is not answered with a promotion) and then etcd, and returns their
    /// process ids. Call only while holding the conductor's lock: then no conductor of this home runs, and each is an orphan.
    /// </summary>
    public static async Task<IReadOnlyList<int>> StopAsync(O4OHome home, DatabaseOptions options, CancellationToken cancellationToken)
    {
        var layout = new PatroniLayout(home, options);
        var members = new List<(int Pid, string Member)>();
        var etcd = new List<int>();
        foreach (var (pid, arguments) in Processes())
        {
            if (arguments.FirstOrDefault(argument => argument.StartsWith(layout.Root + "/", StringComparison.Ordinal)
                && argument.EndsWith("/patroni.yml", StringComparison.Ordinal)) is { } configuration)
            {
                members.Add((pid, Path.GetFileName(Path.GetDirectoryName(configuration))!));
            }
            else if (arguments.Length > 0 && Path.GetFileName(arguments[0]) == "etcd" && arguments.Contains(layout.EtcdData))
            {
                etcd.Add(pid);
            }
        }

        if (members.Count == 0 && etcd.Count == 0)
        {
            return [];
        }

        var leader = members.Count > 0 ? (await PatroniRest.For(options).ClusterAsync(cancellationToken))?.Leader?.Name : null;
        foreach (var (pid, _) in members.OrderBy(member => member.Member == leader))
        {
            await StopAsync(pid, cancellationToken);
        }

        foreach (var pid in etcd)
        {
            await StopAsync(pid, cancellationToken);
        }

        return [.. members.Select(member => member.Pid), .. etcd];
    }

    private static async Task StopAsync(int pid, CancellationToken cancellationToken)
    {
        UnixProcess.Signal(pid, UnixProcess.SigTerm);
        var waited = Stopwatch.StartNew();
        while (UnixProcess.IsAlive(pid) && waited.Elapsed < _stopTimeout)
        {
            await Task.Delay(100, cancellationToken);
        }

        UnixProcess.Signal(pid, UnixProcess.SigKill);
    }

    private static IEnumerable<(int Pid, string[] Arguments)> Processes()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            yield return (pid, commandLine.Split('\0', StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
