namespace O4O.Recovery.Supervision;

/// <summary>Where a supervised component stands.</summary>
public enum ComponentState
{
    /// <summary>Being started.</summary>
    Starting,

    /// <summary>Running and answering its probes.</summary>
    Running,

    /// <summary>A probe failed; not yet failed (below the threshold).</summary>
    Failing,

    /// <summary>Failed and being restarted (back-off, stop, start).</summary>
    Restarting,

    /// <summary>Failed and not restarted: AutoRecovery is off, or it is paused by maintenance or a restore.</summary>
    Down,

    /// <summary>Crash loop: restarting stopped until a person restarts it.</summary>
    GaveUp,
}

/// <summary>One component as the supervisor sees it (the control API's status).</summary>
/// <param name="Name">The component.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Since">Since when.</param>
/// <param name="Restarts">Restarts since the conductor started.</param>
/// <param name="LastError">The last failure seen, in one line; null when none.</param>
/// <param name="FailureType">The failure type of the current failure; null while running.</param>
/// <param name="Pid">The process id; null when not running.</param>
public sealed record ComponentSnapshot(string Name, ComponentState State, DateTimeOffset Since, int Restarts, string? LastError,
    FailureType? FailureType, int? Pid);

/// <summary>A failure the supervisor acts on.</summary>
/// <param name="Seen">What was observed, with the evidence.</param>
/// <param name="Type">The runbook's failure type.</param>
/// <param name="Graceful">Stop with SIGTERM first (memory limit) rather than SIGKILL (hung or dead).</param>
/// <param name="RequestedBy">The person who asked for a restart; null for a detected failure.</param>
internal sealed record SupervisedFailure(string Seen, FailureType Type, bool Graceful, string? RequestedBy = null);
