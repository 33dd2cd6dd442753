using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o recover [--dry-run] [--yes]</c>: assesses, then runs <see cref="RecoveryRunbook"/> with <see cref="RecoverSteps"/>
/// and shows its phase table and the post-mortem's path. What is down is restarted through the conductor.
/// When the assessment finds the database damaged or data lost, phase 3 restores the newest backup (database only) as
/// <c>o4o restore latest --db-only</c> does (the replaced database is kept as <c>&lt;db&gt;_broken_&lt;time&gt;</c>), after the
/// operator's yes at a terminal or <c>--yes</c>; with neither, the run changes nothing at all: phase 3 is marked
/// unconfirmed and the others are not run (exit 1). Phase 4 then verifies the result: exit 0 only when it passes; a restore
/// that failed on a corrupt archive is exit 4.
/// </summary>
internal static class RecoverCommand
{
    public static Command Create(CliContext context)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = Strings.RecoverDryRunOption };
        var yes = new Option<bool>("--yes") { Description = Strings.RecoverYesOption };
        var command = new Command("recover", Strings.RecoverDescription);
        command.Options.Add(dryRun);
        command.Options.Add(yes);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var started = context.Time.GetTimestamp();
            var assessment = await RecoverAssessment.RunAsync(context, cancellationToken);
            if (assessment.NothingWrong)
            {
                await context.Error.WriteLineAsync(Strings.RecoverNothingWrong);
                return ExitCodes.Success;
            }

            var assess = new PhaseOutcome(RunbookPhase.Assess, PhaseStatus.Done,
                $"{(assessment.Type is { } type ? PeopleText.Failure(type) : "")}: {assessment.Summary}", context.Time.GetElapsedTime(started));
            var candidate = !assessment.RestoreCalledFor ? null
                : await DamageRecoveryPoint.IsAvailableAsync(context.Home, context.Bind<DatabaseOptions>(DatabaseOptions.Section), cancellationToken)
                    ? PointInTime
                    : await RecoverSteps.RestoreCandidateAsync(context, cancellationToken);
            var plan = Plan(context, assess, assessment, candidate);
            if (result.GetValue(dryRun))
            {
                await WriteTableAsync(context, plan.Phases);
                await context.Error.WriteLineAsync(Strings.RecoverDryRunDone);
                return ExitCodes.Success;
            }

            var actor = IncidentCommand.CurrentUser();
            var awaitingYes = assessment.RestoreCalledFor && !result.GetValue(yes) && !context.CanAsk;
            var run = await new RecoveryRunbook(context.Home, IncidentCommand.Store(context), context.Time, actor)
                .RunAsync(assessment, plan, awaitingYes, new RecoverSteps(context, assessment, result.GetValue(yes), actor), cancellationToken);
            await WriteTableAsync(context, run.Phases);
            await context.Error.WriteLineAsync(Text.Format(Strings.RecoverReport, run.Incident, run.Report));
            return ExitCode(run);
        });
        return command;
    }

    /// <summary>
    /// A restore that needed a yes and did not get one is exit 1; one that failed on a corrupt archive is exit 4, as in
    /// every command; otherwise 0 when phase 4 verified the platform, 3 when it did not.
    /// </summary>
    private static int ExitCode(RunbookRun run) =>
        run.Restore.Status == PhaseStatus.Unconfirmed ? ExitCodes.Failure
        : run.Restore.Failure is { } failure && Failures.Describe(failure).ExitCode == ExitCodes.BackupCorrupt ? ExitCodes.BackupCorrupt
        : run.Verify.Status == PhaseStatus.Done ? ExitCodes.Success
        : ExitCodes.Unhealthy;

    // The restore candidate when phase 3 goes back to a point in time rather than to an archive.
    private const string PointInTime = "point in time";

    /// <summary>Phase 1 as it ended and phases 2 to 5 as they would run; verify's outcome is replaced by the real one.</summary>
    private static RunbookPlan Plan(CliContext context, PhaseOutcome assess, RunbookAssessment assessment, string? restoreCandidate)
    {
        // Without a conductor there is nothing to restart through, nor an AutoRecovery switch to throw: a person does both.
        var conductor = ConductorRecord.ReadRunning(context.Home) is not null;
        var initialResponse = !assessment.RestartCalledFor
            ? new PhaseOutcome(RunbookPhase.InitialResponse, PhaseStatus.Skipped, Strings.RecoverNothingDown, TimeSpan.Zero)
            : conductor
                ? new PhaseOutcome(RunbookPhase.InitialResponse, PhaseStatus.Planned, Text.Format(Strings.RecoverRestartPlan, string.Join(", ", RecoverSteps.Supervised(assessment))), TimeSpan.Zero)
                : new PhaseOutcome(RunbookPhase.InitialResponse, PhaseStatus.Manual, Text.Format(Strings.RecoverRestartManual, string.Join(", ", assessment.Down)), TimeSpan.Zero);
        var restore = !assessment.RestoreCalledFor
            ? new PhaseOutcome(RunbookPhase.Restore, PhaseStatus.Skipped, Strings.RecoverNoRestoreNeeded, TimeSpan.Zero)
            : restoreCandidate is null
                ? new PhaseOutcome(RunbookPhase.Restore, PhaseStatus.Manual, Strings.RecoverNoBackup, TimeSpan.Zero)
                : new PhaseOutcome(RunbookPhase.Restore, PhaseStatus.Planned, Text.Format(
                    restoreCandidate == PointInTime ? Strings.RecoverRestorePlanPointInTime : Strings.RecoverRestorePlan,
                    restoreCandidate == PointInTime ? context.Bind<DatabaseOptions>(DatabaseOptions.Section).Name : Path.GetFileName(restoreCandidate),
                    context.Bind<DatabaseOptions>(DatabaseOptions.Section).Name), TimeSpan.Zero);
        var verify = new PhaseOutcome(RunbookPhase.Verify, PhaseStatus.Planned, Strings.RecoverVerifyPlan, TimeSpan.Zero);
        var monitoring = new PhaseOutcome(RunbookPhase.Monitoring, conductor ? PhaseStatus.Planned : PhaseStatus.Manual,
            Text.Format(conductor ? Strings.RecoverMonitoringPlan : Strings.RecoverMonitoring, NewestBackupName(context)), TimeSpan.Zero);
        return new RunbookPlan(assess, initialResponse, restore, verify, monitoring);
    }

    internal static string NewestBackupName(CliContext context) =>
        NewestBackup(context) is { } newest ? Path.GetFileName(newest) : Strings.RecoverNoBackup;

    /// <summary>The archive <c>latest</c> names, or null when there is none.</summary>
    private static string? NewestBackup(CliContext context)
    {
        var directory = VerifyCommand.BackupDirectory(context);
        return Directory.Exists(directory) ? ArchiveName.Newest(directory) : null;
    }

    private static async Task WriteTableAsync(CliContext context, IReadOnlyList<PhaseOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            await context.Out.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, "{0}. {1,-17} {2,-8} {3,6:0.00} s / {4,-7} {5}{6}",
                outcome.Phase.Number, outcome.Phase.Name, outcome.Status.ToString().ToUpperInvariant(), outcome.Took.TotalSeconds,
                DurationText.Format(outcome.Phase.Budget, CultureInfo.CurrentUICulture), outcome.OverBudget ? Strings.RecoverOverBudget + " " : "", outcome.Detail));
        }
    }
}
