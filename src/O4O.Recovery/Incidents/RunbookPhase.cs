using System.Globalization;

namespace O4O.Recovery.Incidents;

/// <summary>One of the runbook's five recovery phases, with its time budget.</summary>
/// <param name="Number">1 to 5.</param>
/// <param name="Name">assess, initial-response, restore, verify, monitoring.</param>
/// <param name="Budget">The time the runbook gives it.</param>
public sealed record RunbookPhase(int Number, string Name, TimeSpan Budget)
{
    /// <summary>Phase 1: what is wrong, and which failure type.</summary>
    public static RunbookPhase Assess { get; } = new(1, "assess", TimeSpan.FromMinutes(5));

    /// <summary>Phase 2: restart what is down.</summary>
    public static RunbookPhase InitialResponse { get; } = new(2, "initial-response", TimeSpan.FromMinutes(10));

    /// <summary>Phase 3: restore the newest good backup when the data is damaged or lost.</summary>
    public static RunbookPhase Restore { get; } = new(3, "restore", TimeSpan.FromMinutes(30));

    /// <summary>Phase 4: verify the platform end to end.</summary>
    public static RunbookPhase Verify { get; } = new(4, "verify", TimeSpan.FromMinutes(15));

    /// <summary>Phase 5: automatic recovery back on, backups watched.</summary>
    public static RunbookPhase Monitoring { get; } = new(5, "monitoring", TimeSpan.FromMinutes(10));

    /// <summary>The runbook's phases in order: 5 / 10 / 30 / 15 / 10 minutes.</summary>
    public static IReadOnlyList<RunbookPhase> All { get; } = [Assess, InitialResponse, Restore, Verify, Monitoring];
}

/// <summary>How a phase ended.</summary>
public enum PhaseStatus
{
    /// <summary>It did what it is for.</summary>
    Done,

    /// <summary>The assessment did not call for it.</summary>
    Skipped,

    /// <summary>It ran and failed.</summary>
    Failed,

    /// <summary>It needs a person: this build cannot do it by itself.</summary>
    Manual,

    /// <summary>It would run (a dry run).</summary>
    Planned,

    /// <summary>It needs the operator's yes (a terminal or <c>--yes</c>) and did not get it: nothing was changed.</summary>
    Unconfirmed,
}

/// <summary>A phase's outcome, as shown in <c>o4o recover</c>'s table and put on the incident.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Detail">What was seen or done, in one line.</param>
/// <param name="Took">How long it took.</param>
public sealed record PhaseOutcome(RunbookPhase Phase, PhaseStatus Status, string Detail, TimeSpan Took)
{
    /// <summary>What made a failed phase fail, when an exception did: the caller's exit code may depend on it (a corrupt archive).</summary>
    public Exception? Failure { get; init; }

    /// <summary>The timeline kind of a phase that ran past its budget: the escalation service pages the next level on it.</summary>
    public const string OverrunKind = "PhaseOverrun";

    /// <summary>True when it took longer than its budget: worth escalating.</summary>
    public bool OverBudget => Took > Phase.Budget;

    /// <summary>The line on the incident's timeline.</summary>
    public TimelineEntry ToTimelineEntry(DateTimeOffset at, string actor) => new(at, "Phase", "recover", string.Create(CultureInfo.InvariantCulture,
        $"phase {Phase.Number} {Phase.Name}: {Status.ToString().ToUpperInvariant()} — {Detail} (budget {DurationText.Format(Phase.Budget, CultureInfo.InvariantCulture)}, took {Took.TotalSeconds:0.00} s{(OverBudget ? ", OVER BUDGET" : "")})"),
        actor);
}

/// <summary>
/// Watches a running phase against its budget: when the budget runs out before the phase ends, the incident gets an
/// <see cref="PhaseOutcome.OverrunKind"/> entry, on which the conductor's escalation service pages the next level.
/// </summary>
internal static class PhaseBudget
{
    /// <summary>Completes when <paramref name="phaseEnded"/> is cancelled, having recorded the overrun if the budget ran out first.</summary>
    public static async Task WatchAsync(IncidentStore store, long incident, RunbookPhase phase, string actor, TimeProvider time, CancellationToken phaseEnded)
    {
        try
        {
            await Task.Delay(phase.Budget, time, phaseEnded);
        }
        catch (OperationCanceledException) when (phaseEnded.IsCancellationRequested)
        {
            return;
        }

        await store.AppendAsync(incident, Overrun(phase, time.GetUtcNow(), actor), CancellationToken.None);
    }

    /// <summary>The timeline entry of a phase that ran past its budget.</summary>
    public static TimelineEntry Overrun(RunbookPhase phase, DateTimeOffset at, string actor) => new(at, PhaseOutcome.OverrunKind, "recover",
        $"phase {phase.Number} {phase.Name} is past its budget of {DurationText.Format(phase.Budget, CultureInfo.InvariantCulture)}: escalating", actor);
}
