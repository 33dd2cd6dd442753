using O4O.Recovery.Configuration;
using O4O.Recovery.Control;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Dashboard;

/// <summary>What the dashboard reads and acts on, all inside the conductor.</summary>
/// <param name="Home">The O4O home (the operator token).</param>
/// <param name="Options">Port, address, session lifetime, sampling.</param>
/// <param name="State">The supervisors, the switch, the event log and the incidents.</param>
/// <param name="Samples">The response times for the chart.</param>
/// <param name="Backups">The backup panel.</param>
/// <param name="AdminSignIn">Checks platform admins' tokens.</param>
/// <param name="Time">The clock.</param>
internal sealed record DashboardContext(O4OHome Home, DashboardOptions Options, ConductorState State,
    ResponseSamples Samples, DashboardBackups Backups, AdminSignIn AdminSignIn, TimeProvider Time)
{
    /// <summary>The WAL-archiving card; null when archiving is off or the database is external.</summary>
    public DashboardWalArchiving? WalArchiving { get; init; }

    /// <summary>Refused sign-ins, counted per address in one event row.</summary>
    public FailedSignIns FailedSignIns { get; } = new(State.Events, Time);

    /// <summary>
    /// Records a person's action in the event log. Not on the incident journal: the actions on incidents are on their
    /// timelines already, and a sign-in is not part of an outage.
    /// </summary>
    public Task RecordAsync(string actor, string what, CancellationToken cancellationToken) =>
        State.Events.RecordAsync(new RecoveryEvent(Time.GetUtcNow(), "dashboard", RecoveryEventKind.Note, what, Actor: actor), cancellationToken);
}
