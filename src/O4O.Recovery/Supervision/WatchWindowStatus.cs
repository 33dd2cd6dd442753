namespace O4O.Recovery.Supervision;

/// <summary>The watch window of the release last switched to, as the dashboard shows it.</summary>
/// <param name="Release">The release watched.</param>
/// <param name="StartedAt">When its switch finished.</param>
/// <param name="EndsAt">When the window closes if nothing fails.</param>
/// <param name="Requests">Requests it answered since the window opened, by its own counts.</param>
/// <param name="ServerErrors">Of those, answered 5xx.</param>
/// <param name="Outcome">Null while the window is open; <c>passed</c>, <c>rolledBack</c> or <c>rollbackFailed</c> once decided.</param>
/// <param name="OutcomeAt">When it was decided.</param>
/// <param name="Reason">Why the release was rolled back (or the rollback tried).</param>
public sealed record WatchWindowStatus(string Release, DateTimeOffset StartedAt, DateTimeOffset EndsAt, double Requests, double ServerErrors,
    string? Outcome = null, DateTimeOffset? OutcomeAt = null, string? Reason = null);
