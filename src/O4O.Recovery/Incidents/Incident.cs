using O4O.Recovery.Supervision;

namespace O4O.Recovery.Incidents;

/// <summary>An incident as recorded in <c>state.db</c>.</summary>
/// <param name="Id">The incident number people type (<c>o4o incident show 3</c>).</param>
/// <param name="Title">What failed, in one line.</param>
/// <param name="OpenedBy">"auto-recovery" for a detected failure, else the person who opened it.</param>
/// <param name="FirstAlertAt">When the failure was first confirmed: the start of the outage and of escalation.</param>
/// <param name="ResolvedAt">When it was resolved, or null while open.</param>
/// <param name="AcknowledgedAt">When a person acknowledged it, or null.</param>
/// <param name="AcknowledgedBy">Who acknowledged it.</param>
/// <param name="FailureType">The runbook's failure type of the first detection.</param>
/// <param name="Impact">Who or what was affected (edited by people).</param>
/// <param name="RootCause">Why it happened (edited by people).</param>
/// <param name="Actions">Improvement actions, one per line (edited by people).</param>
/// <param name="Components">The components it is about.</param>
public sealed record Incident(
    long Id,
    string Title,
    string OpenedBy,
    DateTimeOffset FirstAlertAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    FailureType? FailureType,
    string Impact,
    string RootCause,
    string Actions,
    IReadOnlyList<string> Components)
{
    /// <summary>True until resolved.</summary>
    public bool IsOpen => ResolvedAt is null;

    /// <summary>The outage's length: first alert to resolution, or to <paramref name="now"/> while open.</summary>
    public TimeSpan Duration(DateTimeOffset now) => (ResolvedAt ?? now) - FirstAlertAt;
}

/// <summary>One line of an incident's timeline.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Kind">Detected, Action, Recovered, ... (a <see cref="RecoveryEventKind"/> name), or Opened, Note, Acknowledged, Resolved, Reopened, Escalated, Notified.</param>
/// <param name="Component">The component it concerns, or empty.</param>
/// <param name="Text">What happened.</param>
/// <param name="Actor">Who did it.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Component, string Text, string Actor);

/// <summary>Incident <see cref="Id"/> does not exist.</summary>
public sealed class IncidentNotFoundException(long id) : Exception($"Incident {id} does not exist.")
{
    /// <summary>The number asked for.</summary>
    public long Id { get; } = id;
}
