using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Control;

/// <summary>A client of the conductor's control API over <c>$O4O_HOME/o4o.sock</c>, used by the CLI.</summary>
public sealed class ControlClient : IDisposable
{
    private readonly ControlConnection _connection;

    /// <summary>A client for the conductor of <paramref name="home"/>.</summary>
    public ControlClient(O4OHome home, TimeSpan? timeout = null) => _connection = new ControlConnection(home, timeout);

    /// <summary>The conductor's status.</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    public Task<ControlStatus> StatusAsync(CancellationToken cancellationToken = default) =>
        _connection.SendAsync<ControlStatus>(HttpMethod.Get, "status", null, cancellationToken);

    /// <summary>The newest <paramref name="limit"/> events, oldest first.</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    public Task<IReadOnlyList<RecoveryEvent>> EventsAsync(int limit, CancellationToken cancellationToken = default) =>
        _connection.SendAsync<IReadOnlyList<RecoveryEvent>>(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"events?limit={limit}"), null, cancellationToken);

    /// <summary>Asks for a restart of <paramref name="component"/> on behalf of <paramref name="actor"/>.</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    /// <exception cref="ControlRequestException">No such component.</exception>
    public Task<ComponentSnapshot> RestartAsync(string component, string actor, CancellationToken cancellationToken = default) =>
        _connection.SendAsync<ComponentSnapshot>(HttpMethod.Post, $"restart/{Uri.EscapeDataString(component)}?actor={Uri.EscapeDataString(actor)}", null, cancellationToken);

    /// <summary>
    /// Asks for a restart of <paramref name="component"/> and waits until it runs again: a new process of it, or, for one
    /// that has no process of ours, a return to running after the request. Not just "running": the supervisor takes the
    /// request between probes, so a slow probe (a loaded machine) leaves the old process running for a while. False when
    /// it does not run again within <paramref name="wait"/>.
    /// </summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    /// <exception cref="ControlRequestException">No such component.</exception>
    public async Task<bool> RestartAndWaitAsync(string component, string actor, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var before = await RestartAsync(component, actor, cancellationToken);
        var deadline = time.GetUtcNow() + wait;
        while (time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
            var now = (await StatusAsync(cancellationToken)).Components.FirstOrDefault(c => c.Name == component);
            if (now is { State: ComponentState.Running } && now.Since > before.Since && (before.Pid is null || now.Pid != before.Pid))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Switches the platform to the release named <paramref name="release"/> and waits for the outcome (construct the
    /// client with a timeout longer than the platform's start and drain).
    /// </summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    public Task<PlatformSwitchResult> SwitchPlatformAsync(string release, string actor, CancellationToken cancellationToken = default) =>
        _connection.SendAsync<PlatformSwitchResult>(HttpMethod.Post, "platform/switch", new SwitchRequest(release, actor), cancellationToken);

    /// <summary>Asks the conductor to upload the archives that have no off-site copy now rather than within its minute.</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    /// <exception cref="ControlRequestException">The conductor has no off-site bucket (404).</exception>
    public Task<ControlStatus> UploadOffsiteSoonAsync(CancellationToken cancellationToken = default) =>
        _connection.SendAsync<ControlStatus>(HttpMethod.Post, "offsite/upload", null, cancellationToken);

    /// <summary>The AutoRecovery switch.</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    public Task<AutoRecoveryStatus> AutoRecoveryAsync(CancellationToken cancellationToken = default) =>
        _connection.AutoRecoveryAsync(cancellationToken);

    /// <summary>Switches AutoRecovery on behalf of <paramref name="actor"/>.</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    public Task<AutoRecoveryStatus> SetAutoRecoveryAsync(bool enabled, string actor, CancellationToken cancellationToken = default) =>
        _connection.SetAutoRecoveryAsync(enabled, actor, cancellationToken);

    /// <summary>Begins or ends a maintenance window for <paramref name="component"/> (null: all).</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    /// <exception cref="ControlRequestException">No such component.</exception>
    public Task<ControlStatus> MaintenanceAsync(bool on, string actor, string? component, CancellationToken cancellationToken = default) =>
        _connection.SendAsync<ControlStatus>(HttpMethod.Post, "maintenance", new MaintenanceRequest(on, actor, component), cancellationToken);

    /// <summary>The open incidents with their timelines and escalation, newest first.</summary>
    /// <exception cref="ConductorUnreachableException">No conductor answers on the socket.</exception>
    public Task<IReadOnlyList<IncidentView>> IncidentsAsync(CancellationToken cancellationToken = default) =>
        _connection.SendAsync<IReadOnlyList<IncidentView>>(HttpMethod.Get, "incidents", null, cancellationToken);

    /// <summary>Acknowledges incident <paramref name="id"/> as <paramref name="actor"/>.</summary>
    /// <exception cref="ControlRequestException">There is no such incident (404).</exception>
    public Task<IncidentView> AcknowledgeAsync(long id, string actor, CancellationToken cancellationToken = default) =>
        _connection.SendAsync<IncidentView>(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"incidents/{id}/ack"), new AcknowledgeRequest(actor), cancellationToken);

    /// <summary>Adds <paramref name="actor"/>'s note to incident <paramref name="id"/>.</summary>
    /// <exception cref="ControlRequestException">There is no such incident (404) or the note is empty (400).</exception>
    public Task<IncidentView> NoteAsync(long id, string text, string actor, CancellationToken cancellationToken = default) =>
        _connection.SendAsync<IncidentView>(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"incidents/{id}/notes"), new NoteRequest(text, actor), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();
}
