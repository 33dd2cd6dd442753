using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Supervision;

/// <summary>A supervisor over a <see cref="ShellChild"/> with fast probes, its state.db in a temporary directory.</summary>
internal sealed class SupervisorHarness : IAsyncDisposable
{
    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    private SupervisorHarness(string directory, ShellChild child, EventLog events, RecoveryGate gate, Supervisor supervisor)
    {
        _directory = directory;
        Child = child;
        Events = events;
        Gate = gate;
        Supervisor = supervisor;
    }

    public static SupervisionOptions FastOptions() => new()
    {
        ProbeInterval = TimeSpan.FromMilliseconds(50),
        ProbeTimeout = TimeSpan.FromMilliseconds(50),
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        StopTimeout = TimeSpan.FromSeconds(2),
    };

    public ShellChild Child { get; }

    public EventLog Events { get; }

    public RecoveryGate Gate { get; }

    public Supervisor Supervisor { get; }

    public static async Task<SupervisorHarness> StartAsync(string script, SupervisionOptions? options = null, string name = "worker",
        TimeSpan probeTime = default)
    {
        var directory = Directory.CreateTempSubdirectory("o4o-supervisor-").FullName;
        var state = Path.Combine(directory, "state.db");
        var events = new EventLog(state);
        var gate = await RecoveryGate.LoadAsync(new Settings(state), events, TimeProvider.System, CancellationToken.None);
        var child = new ShellChild(script, name) { ProbeTime = probeTime };
        return new SupervisorHarness(directory, child, events, gate, new Supervisor(child, options ?? FastOptions(), gate, events, TimeProvider.System));
    }

    /// <summary>The first start (with its crash-loop limit), then supervision in the background.</summary>
    public async Task<bool> RunAsync()
    {
        var started = await Supervisor.StartAsync(_stop.Token);
        _running = Supervisor.RunAsync(_stop.Token);
        return started;
    }

    public async Task<IReadOnlyList<RecoveryEvent>> WaitForAsync(Func<IReadOnlyList<RecoveryEvent>, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var events = await Events.RecentAsync(100);
            if (condition(events))
            {
                return events;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out; events:\n" + string.Join('\n', events));
            await Task.Delay(20);
        }
    }

    public async Task WaitForStateAsync(ComponentState state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (Supervisor.Snapshot.State != state)
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {state}; the supervisor is {Supervisor.Snapshot.State}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }

        await Child.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
