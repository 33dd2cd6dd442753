using O4O.Recovery.Incidents;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Containment;

/// <summary>
/// Puts isolating the shop and ending it on the record: the event log, and the open incident's timeline — isolating with
/// no incident open opens one (a suspected attack is an incident whether or not anything detected it first).
/// </summary>
public static class IsolationRecord
{
    /// <summary>The component of the switch in events and on timelines.</summary>
    public const string Component = "isolation";

    /// <summary>Records the switch; returns the incident it went on, or null (ending it with none open).</summary>
    public static async Task<long?> RecordAsync(string stateDatabase, bool on, string actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var text = IncidentText.Written(on ? "Timeline.Isolated" : "Timeline.IsolationEnded");
        await new EventLog(stateDatabase).RecordAsync(new RecoveryEvent(at, Component, RecoveryEventKind.Switch, text, Actor: actor), cancellationToken);
        var store = new IncidentStore(stateDatabase);
        var incident = await store.AppendToNewestOpenAsync(new TimelineEntry(at, nameof(RecoveryEventKind.Switch), Component, text, actor), cancellationToken);
        return incident ?? (on
            ? await store.OpenAsync(text, at, actor, component: null, FailureType.SecurityBreach, cancellationToken)
            : null);
    }
}
