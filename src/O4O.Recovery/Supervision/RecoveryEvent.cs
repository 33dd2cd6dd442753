namespace O4O.Recovery.Supervision;

/// <summary>What kind of step a <see cref="RecoveryEvent"/> records.</summary>
public enum RecoveryEventKind
{
    /// <summary>A failure was confirmed (after the prober's threshold, or an exit seen at once).</summary>
    Detected,

    /// <summary>Something was done about it: restart, restore, rollback, pause.</summary>
    Action,

    /// <summary>The component is healthy again (confirmed by the prober).</summary>
    Recovered,

    /// <summary>Recovery stopped trying (crash loop) and waits for a person.</summary>
    GaveUp,

    /// <summary>A person or the system changed a setting: AutoRecovery on/off, maintenance on/off.</summary>
    Switch,

    /// <summary>Anything else worth a line on the record (a phase of <c>o4o recover</c>, a note).</summary>
    Note,
}

/// <summary>The runbook's failure types (phase 1: "Failure type").</summary>
public enum FailureType
{
    /// <summary>A process is down or not answering.</summary>
    ServerDown,

    /// <summary>Relation files missing or unreadable, checksum failures.</summary>
    DatabaseDamage,

    /// <summary>A component answers nothing over the network though its process lives.</summary>
    NetworkFailure,

    /// <summary>Signs of an attack: login storms, changed files.</summary>
    SecurityBreach,

    /// <summary>Rows or files missing compared with the last backup.</summary>
    DataLoss,
}

/// <summary>One detection or action, as it goes into <c>state.db</c> and onto an incident's timeline.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Component">The component: database, platform, nginx, conductor, backups.</param>
/// <param name="Kind">Detection, action, recovery, ...</param>
/// <param name="Seen">What was observed, with the evidence ("exit code 137", "3 probes timed out after 1 s").</param>
/// <param name="Done">What was done about it ("restarted after 200 ms back-off"), or empty.</param>
/// <param name="Outcome">How it ended ("healthy after 1.4 s", "failed: ..."), or empty while under way.</param>
/// <param name="FailureType">The runbook's failure type, for detections.</param>
/// <param name="Actor">Who did it: "auto-recovery", or the person for switches and manual actions.</param>
public sealed record RecoveryEvent(
    DateTimeOffset At,
    string Component,
    RecoveryEventKind Kind,
    string Seen,
    string Done = "",
    string Outcome = "",
    FailureType? FailureType = null,
    string Actor = "auto-recovery");

/// <summary>
/// Where the conductor writes every detection and action. The event log in <c>state.db</c> is one journal;
/// the incident tracker is another; the conductor writes to all of them.
/// </summary>
public interface IRecoveryJournal
{
    /// <summary>Records <paramref name="recoveryEvent"/>. Must not throw for a journal failure that recovery can outlive.</summary>
    Task RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken);
}
