using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Recovery.Incidents;

/// <summary>
/// The runbook's five phases in order, each against its budget, every step on an incident (the open one, or a new one),
/// ending with a post-mortem in <c>reports/</c>. A restore that needs a yes nobody can give stops the run before it
/// changes anything; a restore declined stops the phases after it. The incident this run opened is resolved once verify
/// passed; one it joined ends as it began.
/// </summary>
public sealed class RecoveryRunbook(O4OHome home, IncidentStore store, TimeProvider time, string actor)
{
    /// <param name="assessment">Phase 1's findings; something is wrong.</param>
    /// <param name="plan">Phase 1's outcome and phases 2 to 5 as they would run.</param>
    /// <param name="awaitingYes">The restore is called for and nobody can say yes to it: nothing runs.</param>
    /// <param name="steps">The work of each phase.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<RunbookRun> RunAsync(RunbookAssessment assessment, RunbookPlan plan, bool awaitingYes, IRunbookSteps steps,
        CancellationToken cancellationToken)
    {
        var joined = (await store.ListAsync(cancellationToken)).FirstOrDefault(incident => incident.IsOpen)?.Id;
        var id = joined ?? await store.OpenAsync($"o4o recover: {assessment.Summary}", time.GetUtcNow(), actor, null, assessment.Type, cancellationToken);
        var assess = plan.Assess;
        await store.AppendAsync(id, assess.ToTimelineEntry(time.GetUtcNow(), actor), cancellationToken);
        if (assess.OverBudget)
        {
            await store.AppendAsync(id, PhaseBudget.Overrun(assess.Phase, time.GetUtcNow(), actor), cancellationToken);
        }

        var initialResponse = await PhaseAsync(id, plan.InitialResponse, awaitingYes, steps,
            assessment.RestartCalledFor ? steps.RestartAsync : null, cancellationToken);
        var restore = await PhaseAsync(id, plan.Restore, awaitingYes, steps,
            assessment.RestoreCalledFor ? steps.RestoreAsync : null, cancellationToken);
        // Half a runbook is not a recovery: without its restore, verifying and switching AutoRecovery back on would only pretend.
        var halted = awaitingYes || restore.Status == PhaseStatus.Unconfirmed;
        var verify = await PhaseAsync(id, plan.Verify, halted, steps, steps.VerifyAsync, cancellationToken);
        var monitoring = await PhaseAsync(id, plan.Monitoring, halted, steps,
            token => steps.MonitorAsync(plan.Monitoring, token), cancellationToken);

        if (joined is null && verify.Status == PhaseStatus.Done)
        {
            await store.ResolveAsync(id, time.GetUtcNow(), actor, $"recovered: phase 4 verify passed ({verify.Detail})", cancellationToken);
        }

        var report = Path.Combine(home.Root, "reports", string.Create(CultureInfo.InvariantCulture, $"incident-{id}.md"));
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        AtomicFile.WriteAllText(report, PostMortem.Render(await store.GetAsync(id, cancellationToken), await store.TimelineAsync(id, cancellationToken),
            CultureInfo.CurrentUICulture, time.GetUtcNow()));
        return new RunbookRun(id, assess, initialResponse, restore, verify, monitoring, report);
    }

    /// <summary>Runs one phase (or keeps its plan when <paramref name="work"/> is null), watched against its budget, onto the incident.</summary>
    private async Task<PhaseOutcome> PhaseAsync(long id, PhaseOutcome planned, bool halted, IRunbookSteps steps,
        Func<CancellationToken, Task<PhaseOutcome>>? work, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var phaseEnded = new CancellationTokenSource();
        var budget = PhaseBudget.WatchAsync(store, id, planned.Phase, actor, time, phaseEnded.Token);
        var outcome = halted ? steps.NotRun(planned, planned.Phase == RunbookPhase.Restore)
            : work is null ? planned
            : await work(cancellationToken);
        await phaseEnded.CancelAsync();
        await budget;
        outcome = outcome with { Took = time.GetElapsedTime(started) };
        await store.AppendAsync(id, outcome.ToTimelineEntry(time.GetUtcNow(), actor), cancellationToken);
        return outcome;
    }
}
