using Microsoft.Extensions.Logging.Abstractions;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.Control;
using O4O.Recovery.State;

namespace O4O.Recovery.Tests.Control;

public sealed class ControlApiTests : IAsyncLifetime
{
    private readonly O4OHome _home = new(Directory.CreateTempSubdirectory("o4o-control-").FullName);
    private ControlServer? _server;
    private EventLog _events = null!;

    public async Task InitializeAsync()
    {
        _events = new EventLog(_home.StateDatabase);
        var gate = await RecoveryGate.LoadAsync(new Settings(_home.StateDatabase), _events, TimeProvider.System, CancellationToken.None);
        _server = await ControlServer.StartAsync(_home, new ConductorState(4242, DateTimeOffset.UtcNow, [], gate, _events,
            new IncidentBoard(new O4O.Recovery.Incidents.IncidentStore(_home.StateDatabase), new EscalationOptions(), TimeProvider.System)), NullLoggerFactory.Instance, CancellationToken.None);
    }

    [Fact]
    public void The_socket_is_readable_and_writable_by_its_owner_only()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ControlServer.SocketPath(_home)));
    }

    [Fact]
    public async Task Switching_AutoRecovery_and_maintenance_is_answered_and_on_the_record_with_the_actor()
    {
        using var client = new ControlClient(_home);

        var off = await client.SetAutoRecoveryAsync(false, "lee@example.com");
        var status = await client.MaintenanceAsync(true, "lee@example.com", component: null);
        var events = await client.EventsAsync(10);

        Assert.Equal((false, "lee@example.com"), (off.Enabled, off.ChangedBy));
        Assert.False((await client.AutoRecoveryAsync()).Enabled);
        Assert.Equal(4242, status.ConductorPid);
        Assert.Equal("maintenance by lee@example.com", status.Paused["*"]);
        Assert.Equal(["AutoRecovery switched off", "maintenance by lee@example.com began"], events.Select(e => e.Seen));
        Assert.All(events, e => Assert.Equal("lee@example.com", e.Actor));
    }

    [Fact]
    public async Task A_restart_of_an_unknown_component_is_refused_with_404_and_a_reason()
    {
        using var client = new ControlClient(_home);

        var refused = await Assert.ThrowsAsync<ControlRequestException>(() => client.RestartAsync("mailserver", "lee"));

        Assert.Equal(404, refused.Status);
        Assert.Equal("No component named 'mailserver'.", refused.Message);
    }

    [Fact]
    public async Task Without_a_conductor_the_client_says_which_socket_nobody_answers_on()
    {
        await _server!.DisposeAsync();
        _server = null;
        using var client = new ControlClient(_home);

        var unreachable = await Assert.ThrowsAsync<ConductorUnreachableException>(() => client.StatusAsync());

        Assert.Equal($"No conductor answers on {ControlServer.SocketPath(_home)}: start it with `o4o up`.", unreachable.Message);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_home.Root, recursive: true);
    }
}
