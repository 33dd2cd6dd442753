using O4O.Recovery.Incidents;

namespace O4O.Recovery.Control;

/// <summary>An open incident as the control API and the dashboard show it.</summary>
/// <param name="Incident">The record.</param>
/// <param name="Timeline">Its timeline, oldest first.</param>
/// <param name="Level">The escalation level paged by now (e.g. "L2 (Development team lead)"), or null before the first.</param>
/// <param name="NextLevel">The level paged next, or null when every level has been paged.</param>
/// <param name="NextEscalationAt">When <paramref name="NextLevel"/> is paged, unless it recovers first.</param>
public sealed record IncidentView(Incident Incident, IReadOnlyList<TimelineEntry> Timeline, string? Level, string? NextLevel,
    DateTimeOffset? NextEscalationAt)
{
    /// <summary>The name alone of the level paged by now ("L2"), or null before the first: what the metrics count by.</summary>
    public string? LevelName { get; init; }
}

/// <summary>A person acknowledges an incident.</summary>
/// <param name="Actor">Who.</param>
internal sealed record AcknowledgeRequest(string Actor);

/// <summary>A person's note on an incident's timeline.</summary>
/// <param name="Text">The note.</param>
/// <param name="Actor">Who wrote it.</param>
internal sealed record NoteRequest(string Text, string Actor);
