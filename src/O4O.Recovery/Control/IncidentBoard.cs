using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.Notifications;

namespace O4O.Recovery.Control;

/// <summary>
/// The open incidents with their escalation position, and the actions people take on them (acknowledge, note),
/// for the control API and the dashboard. The position is computed from the matrix, as the escalation service pages it.
/// </summary>
public sealed class IncidentBoard(IncidentStore store, EscalationOptions escalation, TimeProvider time, NotificationGap? notificationGap = null)
{
    /// <summary>Why pages would reach nobody, or null when every level's channels are configured.</summary>
    public NotificationGap? NotificationGap => notificationGap;

    /// <summary>The incidents in <c>state.db</c>.</summary>
    public IncidentStore Store => store;

    /// <summary>Every open incident, newest first.</summary>
    public async Task<IReadOnlyList<IncidentView>> OpenAsync(CancellationToken cancellationToken)
    {
        var views = new List<IncidentView>();
        foreach (var incident in (await store.ListAsync(cancellationToken)).Where(incident => incident.IsOpen).OrderByDescending(incident => incident.Id))
        {
            views.Add(await ViewAsync(incident, cancellationToken));
        }

        return views;
    }

    /// <summary>Acknowledges incident <paramref name="id"/>: repeats at the current level stop, the clock does not.</summary>
    /// <exception cref="IncidentNotFoundException">There is no such incident.</exception>
    public async Task<IncidentView> AcknowledgeAsync(long id, string actor, CancellationToken cancellationToken)
    {
        await store.AcknowledgeAsync(id, actor, time.GetUtcNow(), cancellationToken);
        return await ViewAsync(await store.GetAsync(id, cancellationToken), cancellationToken);
    }

    /// <summary>Adds <paramref name="actor"/>'s note to incident <paramref name="id"/>'s timeline.</summary>
    /// <exception cref="IncidentNotFoundException">There is no such incident.</exception>
    public async Task<IncidentView> NoteAsync(long id, string text, string actor, CancellationToken cancellationToken)
    {
        await store.AppendAsync(id, new TimelineEntry(time.GetUtcNow(), "Note", "", text.Trim(), actor), cancellationToken);
        return await ViewAsync(await store.GetAsync(id, cancellationToken), cancellationToken);
    }

    private async Task<IncidentView> ViewAsync(Incident incident, CancellationToken cancellationToken)
    {
        var elapsed = incident.Duration(time.GetUtcNow());
        var levels = escalation.Levels;
        var reached = levels.FindLastIndex(level => level.NotifyAfter <= elapsed);
        var next = reached + 1 < levels.Count ? levels[reached + 1] : null;
        return new IncidentView(incident, await store.TimelineAsync(incident.Id, cancellationToken),
            reached < 0 ? null : Describe(levels[reached]), next is null ? null : Describe(next),
            next is null ? null : incident.FirstAlertAt + next.NotifyAfter)
        {
            LevelName = reached < 0 ? null : levels[reached].Name,
        };
    }

    private static string Describe(EscalationLevel level) => $"{level.Name} ({level.Owner})";
}
