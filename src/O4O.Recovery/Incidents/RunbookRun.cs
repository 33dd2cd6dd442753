using O4O.Recovery.Supervision;

namespace O4O.Recovery.Incidents;

/// <summary>What phase 1 found: the problems, what is down, the runbook's failure type, and whether a restore is called for.</summary>
/// <param name="Problems">One line per problem.</param>
/// <param name="Down">The components that are not healthy and are phase 2's to restart.</param>
/// <param name="Type">The failure type, or null when nothing is wrong.</param>
/// <param name="RestoreCalledFor">The database is damaged or data is lost: phase 3 restores.</param>
public sealed record RunbookAssessment(IReadOnlyList<string> Problems, IReadOnlyList<string> Down, FailureType? Type, bool RestoreCalledFor)
{
    /// <summary>No problem found: there is nothing to recover.</summary>
    public bool NothingWrong => Problems.Count == 0;

    /// <summary>Something is down: phase 2 restarts it.</summary>
    public bool RestartCalledFor => Down.Count > 0;

    /// <summary>The problems on one line, as the incident's title takes them.</summary>
    public string Summary => string.Join("; ", Problems);
}

/// <summary>Phase 1 done, and phases 2 to 5 as they would run: what a dry run shows and what a phase not run keeps.</summary>
public sealed record RunbookPlan(PhaseOutcome Assess, PhaseOutcome InitialResponse, PhaseOutcome Restore, PhaseOutcome Verify, PhaseOutcome Monitoring)
{
    /// <summary>The five phases in order, as the table shows them.</summary>
    public IReadOnlyList<PhaseOutcome> Phases => [Assess, InitialResponse, Restore, Verify, Monitoring];
}

/// <summary>The work of phases 2 to 5, and the words for a phase not run: the caller (<c>o4o recover</c>) supplies them.</summary>
public interface IRunbookSteps
{
    /// <summary>Phase 2: restarts what is down.</summary>
    Task<PhaseOutcome> RestartAsync(CancellationToken cancellationToken);

    /// <summary>Phase 3: restores the newest good backup; a failure's exception is the outcome's <see cref="PhaseOutcome.Failure"/>.</summary>
    Task<PhaseOutcome> RestoreAsync(CancellationToken cancellationToken);

    /// <summary>Phase 4: verifies the platform.</summary>
    Task<PhaseOutcome> VerifyAsync(CancellationToken cancellationToken);

    /// <summary>Phase 5: what <paramref name="planned"/> says, done.</summary>
    Task<PhaseOutcome> MonitorAsync(PhaseOutcome planned, CancellationToken cancellationToken);

    /// <summary>
    /// A phase not run: the restore when it needs a yes nobody can give (<paramref name="awaitingYes"/>), or a phase after
    /// a restore that did not get one.
    /// </summary>
    PhaseOutcome NotRun(PhaseOutcome planned, bool awaitingYes);
}

/// <summary>A finished run of the runbook: its incident, each phase by name, and the post-mortem it wrote.</summary>
public sealed record RunbookRun(long Incident, PhaseOutcome Assess, PhaseOutcome InitialResponse, PhaseOutcome Restore, PhaseOutcome Verify,
    PhaseOutcome Monitoring, string Report)
{
    /// <summary>The five phases in order, as the table shows them.</summary>
    public IReadOnlyList<PhaseOutcome> Phases => [Assess, InitialResponse, Restore, Verify, Monitoring];
}
