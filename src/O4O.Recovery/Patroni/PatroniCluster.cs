using System.Collections.Concurrent;
using System.Diagnostics;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Postgres;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Patroni;

/// <summary>
/// etcd and the Patroni members on this machine, run as the conductor's children (as the service user). The conductor
/// starts and stops them; Patroni alone starts, restarts and promotes PostgreSQL, so the conductor never fights it.
/// </summary>
internal sealed class PatroniCluster(O4OHome home, DatabaseOptions options, PostgresBinaries binaries, IRecoveryJournal journal, TimeProvider time)
    : IAsyncDisposable
{
    private static readonly TimeSpan _readyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan _restartDelay = TimeSpan.FromSeconds(1);
    private readonly PatroniLayout _layout = new(home, options);
    private readonly List<(PatroniMember Member, Process Process)> _members = [];
    private readonly ConcurrentDictionary<Process, (string Name, string Log)> _names = [];
    private readonly List<Task> _keepers = [];
    private readonly Lock _gate = new();
    private CancellationTokenSource _stopping = new();
    private Process? _etcd;

    /// <summary>The members' REST API.</summary>
    public PatroniRest Rest => PatroniRest.For(options);

    /// <summary>
    /// Writes the configurations, starts etcd and every member, and waits until one of them leads. The first start
    /// bootstraps the cluster (Patroni runs initdb with data checksums) and the standbys copy the leader.
    /// </summary>
    /// <exception cref="ComponentPortInUseException">A port of etcd or a member is taken.</exception>
    /// <exception cref="ClusterStartException">etcd or a member exited, or no leader came up in time.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        EnsurePorts();
        var superuser = Password(home.PostgresPasswordFile);
        var replication = Password(home.ReplicationPasswordFile);
        PrivateFiles.CreateDirectory(_layout.Root);
        foreach (var member in _layout.Members)
        {
            PrivateFiles.CreateDirectory(member.Directory);
            PrivateFiles.CreateDirectory(member.Sockets);
            AtomicFile.WriteAllText(member.ConfigurationFile, _layout.Configuration(member, binaries, superuser, replication));
        }

        await ServiceUser.GiveAsync(_layout.Root, cancellationToken);
        _etcd = Start(_layout.EtcdLog, "etcd", "--name", "o4o", "--data-dir", _layout.EtcdData,
            "--listen-client-urls", _layout.EtcdClientUrl, "--advertise-client-urls", _layout.EtcdClientUrl,
            "--listen-peer-urls", _layout.EtcdPeerUrl, "--initial-advertise-peer-urls", _layout.EtcdPeerUrl,
            "--initial-cluster", $"o4o={_layout.EtcdPeerUrl}");
        await WaitAsync("etcd", async () => await EtcdHealthyAsync(cancellationToken), cancellationToken);
        _stopping.Dispose();
        _stopping = new CancellationTokenSource();
        foreach (var member in _layout.Members)
        {
            StartMember(member);
        }

        await WaitAsync("a Patroni leader", async () => (await Rest.ClusterAsync(cancellationToken))?.Leader is not null, cancellationToken);
        // Only from here on: a member that cannot start at all fails the start above with its last words instead.
        _keepers.AddRange(_members.Select(entry => KeepRunningAsync(entry.Member, entry.Process, _stopping.Token)));
    }

    /// <summary>
    /// Stops the standbys first, then the leader (so that stopping is not taken for a failure and answered with a
    /// promotion), then etcd. Patroni stops its PostgreSQL on SIGTERM; SIGKILL after <paramref name="timeout"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        List<(PatroniMember Member, Process Process)> members;
        lock (_gate)
        {
            _stopping.Cancel();
            members = [.. _members];
            _members.Clear();
        }

        await Task.WhenAll(_keepers);
        _keepers.Clear();

        var topology = members.Count > 0 ? await Rest.ClusterAsync(CancellationToken.None) : null;
        var leader = topology?.Leader?.Name;
        foreach (var (_, process) in members.OrderBy(entry => entry.Member.Name == leader))
        {
            await UnixProcess.StopAsync(process, UnixProcess.SigTerm, timeout);
            _names.TryRemove(process, out _);
            process.Dispose();
        }

        if (_etcd is not null)
        {
            await UnixProcess.StopAsync(_etcd, UnixProcess.SigTerm, timeout);
            _names.TryRemove(_etcd, out _);
            _etcd.Dispose();
            _etcd = null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(20));
        _stopping.Dispose();
    }

    private Process? StartMember(PatroniMember member)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return null;
            }

            var process = Start(member.Log, "patroni", member.ConfigurationFile);
            _members.Add((member, process));
            return process;
        }
    }

    // Patroni killed leaves its PostgreSQL running unwatched: a leader's keeps taking connections after the standby is
    // promoted (its commits then wait forever for a standby that left), and no member rejoins without its Patroni. So it
    // is started again, as systemd's Restart=always does for Patroni's own unit; the new Patroni adopts the running
    // PostgreSQL, and demotes and rewinds it if another member took the leader key meanwhile.
    private async Task KeepRunningAsync(PatroniMember member, Process process, CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await process.WaitForExitAsync(stopping);
                var exited = ExitStatus.Describe(process.ExitCode);
                // Not at once: a Patroni that dies on start would otherwise be restarted in a tight loop.
                await Task.Delay(_restartDelay, time, stopping);
                lock (_gate)
                {
                    _members.Remove((member, process));
                }

                _names.TryRemove(process, out _);
                process.Dispose();
                if (StartMember(member) is not { } restarted)
                {
                    return;
                }

                process = restarted;
                await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.DatabaseComponent, RecoveryEventKind.Action,
                    $"Patroni of {member.Name} {exited}: {LastWords(member.Log)}", $"started Patroni of {member.Name} again",
                    "it takes over the member's PostgreSQL as it finds it"), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The cluster is stopping: its members exit on purpose.
        }
    }

    private void EnsurePorts()
    {
        var prefix = $"{O4OConfiguration.EnvironmentPrefix}Database__";
        LoopbackPort.EnsureFree(options.Patroni.EtcdPort, $"{prefix}Patroni__EtcdPort");
        LoopbackPort.EnsureFree(options.Patroni.EtcdPort + 1, $"{prefix}Patroni__EtcdPort");
        foreach (var member in _layout.Members)
        {
            LoopbackPort.EnsureFree(member.Port, $"{prefix}Port");
            LoopbackPort.EnsureFree(member.RestPort, $"{prefix}Patroni__RestPort");
        }
    }

    private static string Password(string file)
    {
        if (!File.Exists(file))
        {
            AtomicFile.WriteAllText(file, ManagedCluster.NewPassword());
        }

        return File.ReadAllText(file).Trim();
    }

    // Output goes to a file the program appends to, not to a pipe read by the conductor: the file outlives a killed
    // conductor, and a member's last words stay readable after it exits. (While output went to a pipe, a Patroni was
    // once seen exiting without a word as its standby's PostgreSQL started; the cause was not established.)
    private Process Start(string log, string program, params string[] arguments)
    {
        var start = ServiceUser.Start("/bin/sh", ["-c", "exec \"$0\" \"$@\" >> \"$O4O_OUTPUT\" 2>&1", program, .. arguments]);
        start.Environment["O4O_OUTPUT"] = log;
        var process = Process.Start(start) ?? throw new ClusterStartException($"{program} could not be started.");
        _names[process] = (program, log);
        return process;
    }

    private static string LastWords(string log)
    {
        var lines = File.Exists(log) ? File.ReadLines(log).Where(line => !string.IsNullOrWhiteSpace(line)).TakeLast(50).ToList() : [];
        return lines.LastOrDefault(line => line.Contains("FATAL", StringComparison.Ordinal) || line.Contains("ERROR", StringComparison.Ordinal)
            || line.Contains("CRITICAL", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? "no output";
    }

    private async Task<bool> EtcdHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            return (await client.GetStringAsync(new Uri($"{_layout.EtcdClientUrl}/health"), cancellationToken)).Contains("\"true\"", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private List<Process> Processes()
    {
        lock (_gate)
        {
            return [.. _members.Select(entry => entry.Process)];
        }
    }

    private async Task WaitAsync(string what, Func<Task<bool>> ready, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!await ready())
        {
            if (new[] { _etcd }.Concat(Processes()).FirstOrDefault(process => process is { HasExited: true }) is { } exited)
            {
                var (name, log) = _names[exited];
                throw new ClusterStartException($"{name} {ExitStatus.Describe(exited.ExitCode)}: {LastWords(log)} ({log})");
            }

            if (waited.Elapsed > _readyTimeout)
            {
                throw new ClusterStartException($"{what} did not come up within {_readyTimeout.TotalSeconds:0} s: see {string.Join(", ", _names.Values.Select(entry => entry.Log))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
