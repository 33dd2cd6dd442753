using O4O.Cli.Resources;
using O4O.Recovery.Control;
using O4O.Recovery.Incidents;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

internal static partial class RecoverCommand
{
    private static readonly TimeSpan _restartWait = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Phase 2: restarts what is down through the conductor, the database before the platform, and waits until each
    /// is running again. Without a conductor there is nothing to restart through: a person starts <c>o4o up</c>.
    /// </summary>
    private static async Task<PhaseOutcome> RestartAsync(CliContext context, RecoverAssessment assessment, string actor, CancellationToken cancellationToken)
    {
        var phase = RunbookPhase.All[1];
        var supervised = Supervised(assessment);
        using var control = new ControlClient(context.Home);
        try
        {
            foreach (var component in supervised)
            {
                await control.RestartAsync(component, actor, cancellationToken);
                if (!await RunningWithinAsync(control, component, cancellationToken))
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
    private static List<string> Supervised(RecoverAssessment assessment) =>
        assessment.Down
            .Select(name => name == Conductor.DatabaseComponent ? Conductor.DatabaseComponent : Conductor.PlatformComponent)
            .Distinct()
            .OrderBy(name => name == Conductor.DatabaseComponent ? 0 : 1)
            .ToList();

    private static async Task<bool> RunningWithinAsync(ControlClient control, string component, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _restartWait;
        // The restart is asynchronous: give the supervisor a moment to leave Running before believing it.
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        while (DateTime.UtcNow < deadline)
        {
            var status = await control.StatusAsync(cancellationToken);
            if (status.Components.Any(c => c.Name == component && c.State == ComponentState.Running))
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        return false;
    }

    /// <summary>Phase 5: AutoRecovery back on through the conductor, with the backup health the plan shows.</summary>
    private static async Task<PhaseOutcome> MonitorAsync(CliContext context, PhaseOutcome planned, string actor, CancellationToken cancellationToken)
    {
        using var control = new ControlClient(context.Home);
        try
        {
            await control.SetAutoRecoveryAsync(enabled: true, actor, cancellationToken);
            return planned with { Status = PhaseStatus.Done, Detail = Text.Format(Strings.RecoverMonitoringDone, NewestBackupName(context)) };
        }
        catch (ConductorUnreachableException)
        {
            return planned with { Status = PhaseStatus.Manual, Detail = Text.Format(Strings.RecoverMonitoring, NewestBackupName(context)) };
        }
    }
}
