using O4O.Cli.Resources;
using O4O.Recovery.Control;
using O4O.Recovery.Incidents;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// The work of <c>o4o recover</c>'s phases 2 to 5 for <see cref="RecoveryRunbook"/>: through the conductor when one runs,
/// through the same restore as <c>o4o restore</c>, and the same checks as <c>o4o verify</c>.
/// </summary>
internal sealed partial class RecoverSteps(CliContext context, RunbookAssessment assessment, bool yes, string actor) : IRunbookSteps
{
    private static readonly TimeSpan _restartWait = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Phase 2: restarts what is down through the conductor, the database before the platform, and waits until each
    /// is running again. Without a conductor there is nothing to restart through: a person starts <c>o4o up</c>.
    /// </summary>
    public async Task<PhaseOutcome> RestartAsync(CancellationToken cancellationToken)
    {
        var phase = RunbookPhase.InitialResponse;
        var supervised = Supervised(assessment);
        using var control = new ControlClient(context.Home);
        try
        {
            foreach (var component in supervised)
            {
                if (!await control.RestartAndWaitAsync(component, actor, _restartWait, context.Time, cancellationToken))
                {
                    return new PhaseOutcome(phase, PhaseStatus.Failed, Text.Format(Strings.RecoverRestartFailed, component, _restartWait.TotalSeconds), TimeSpan.Zero);
                }
            }

            return new PhaseOutcome(phase, PhaseStatus.Done, Text.Format(Strings.RecoverRestarted, string.Join(", ", supervised)), TimeSpan.Zero);
        }
        catch (ConductorUnreachableException)
        {
            return new PhaseOutcome(phase, PhaseStatus.Manual, Text.Format(Strings.RecoverRestartManual, string.Join(", ", assessment.Down)), TimeSpan.Zero);
        }
    }

    /// <summary>The supervised components that serve what is down (the platform serves the pages), the database first.</summary>
    public static List<string> Supervised(RunbookAssessment assessment) =>
        assessment.Down
            .Select(name => name == Conductor.DatabaseComponent ? Conductor.DatabaseComponent : Conductor.PlatformComponent)
            .Distinct()
            .OrderBy(name => name == Conductor.DatabaseComponent ? 0 : 1)
            .ToList();

    /// <summary>Phase 4: the checks of <c>o4o verify</c>.</summary>
    public async Task<PhaseOutcome> VerifyAsync(CancellationToken cancellationToken)
    {
        var report = await VerifyCommand.RunAsync(context, cancellationToken);
        var failed = report.Checks.Where(check => !check.Passed).Select(check => $"{check.Name}: {check.Detail}").ToList();
        return new PhaseOutcome(RunbookPhase.Verify, report.Passed ? PhaseStatus.Done : PhaseStatus.Failed,
            report.Passed ? Text.Format(Strings.RecoverVerifyPassed, report.Checks.Count) : CommandInvoker.OneLine(string.Join("; ", failed)), TimeSpan.Zero);
    }

    /// <summary>Phase 5: AutoRecovery back on through the conductor, with the backup health the plan shows.</summary>
    public async Task<PhaseOutcome> MonitorAsync(PhaseOutcome planned, CancellationToken cancellationToken)
    {
        using var control = new ControlClient(context.Home);
        try
        {
            await control.SetAutoRecoveryAsync(enabled: true, actor, cancellationToken);
            return planned with { Status = PhaseStatus.Done, Detail = Text.Format(Strings.RecoverMonitoringDone, RecoverCommand.NewestBackupName(context)) };
        }
        catch (ConductorUnreachableException)
        {
            return planned with { Status = PhaseStatus.Manual, Detail = Text.Format(Strings.RecoverMonitoring, RecoverCommand.NewestBackupName(context)) };
        }
    }

    public PhaseOutcome NotRun(PhaseOutcome planned, bool awaitingYes) =>
        awaitingYes
            ? planned with { Status = PhaseStatus.Unconfirmed, Detail = Strings.RecoverRestoreNeedsYes }
            : planned with { Status = PhaseStatus.Skipped, Detail = Strings.RecoverStoppedUnconfirmed };
}
