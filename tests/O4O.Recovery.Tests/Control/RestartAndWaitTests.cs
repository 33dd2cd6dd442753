using Microsoft.Extensions.Logging.Abstractions;
using O4O.Recovery.Configuration;
using O4O.Recovery.Control;
using O4O.Recovery.Incidents;
using O4O.Recovery.Supervision;
using O4O.Recovery.Tests.Supervision;

namespace O4O.Recovery.Tests.Control;

public sealed class RestartAndWaitTests : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("o4o-restart-wait-");

    [Fact]
    public async Task A_restart_asked_for_while_probes_are_slower_than_their_interval_is_done_and_awaited_until_the_new_process_runs()
    {
        // Each probe takes 1.5 s against an interval of 50 ms, as a database's on a loaded machine: the supervisor takes
        // the request between two probes, and until then the old process runs and the component is "running".
        var options = new SupervisionOptions
        {
            ProbeInterval = TimeSpan.FromMilliseconds(50),
            ProbeTimeout = TimeSpan.FromSeconds(5),
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            StopTimeout = TimeSpan.FromSeconds(2),
        };
        await using var harness = await SupervisorHarness.StartAsync("exec sleep 600", options, name: "database", probeTime: TimeSpan.FromSeconds(1.5));
        Assert.True(await harness.RunAsync());
        var home = new O4OHome(_home.FullName);
        var state = new ConductorState(Environment.ProcessId, DateTimeOffset.UtcNow, [harness.Supervisor], harness.Gate, harness.Events,
            new IncidentBoard(new IncidentStore(home.StateDatabase), new EscalationOptions(), TimeProvider.System));
        await using var server = await ControlServer.StartAsync(home, state, NullLoggerFactory.Instance, CancellationToken.None);
        using var control = new ControlClient(home);
        var first = harness.Child.ProcessId;
        await Task.Delay(TimeSpan.FromMilliseconds(200)); // into a probe

        var restarted = await control.RestartAndWaitAsync("database", "lee@example.com", TimeSpan.FromSeconds(30), TimeProvider.System);

        Assert.True(restarted);
        Assert.Equal(2, harness.Child.Starts);
        Assert.NotEqual(first, harness.Child.ProcessId);
        Assert.Equal(ComponentState.Running, harness.Supervisor.Snapshot.State);
    }

    public void Dispose() => _home.Delete(recursive: true);
}
