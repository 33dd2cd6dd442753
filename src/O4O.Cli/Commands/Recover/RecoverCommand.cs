using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.IO;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o recover [--dry-run] [--yes]</c>: the runbook's five phases in order, each against its budget, every step on an
/// incident, ending with the phase table and the post-mortem's path. What is down is restarted through the conductor.
/// When the assessment finds the database damaged or data lost, phase 3 restores the newest backup (database only) as
/// <c>o4o restore latest --db-only</c> does (the replaced database is kept as <c>&lt;db&gt;_broken_&lt;time&gt;</c>), after the
/// operator's yes at a terminal or <c>--yes</c>; with neither, the run changes nothing at all: phase 3 is marked
/// unconfirmed and the others are not run (exit 1). Phase 4 then verifies the result: exit 0 only when it passes; a restore
/// that failed on a corrupt archive is exit 4.
/// </summary>
internal static partial class RecoverCommand
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
            var time = context.Time;
            var started = time.GetTimestamp();
            var assessment = await RecoverAssessment.RunAsync(context, cancellationToken);
            var assess = new PhaseOutcome(RunbookPhase.All[0], PhaseStatus.Done,
                assessment.NothingWrong ? Strings.RecoverNothingWrong : $"{(assessment.Type is { } type ? PeopleText.Failure(type) : "")}: {assessment.Summary}", time.GetElapsedTime(started));
            if (assessment.NothingWrong)
            {
                await context.Error.WriteLineAsync(Strings.RecoverNothingWrong);
                return ExitCodes.Success;
            }

            var candidate = assessment.RestoreCalledFor ? await RestoreCandidateAsync(context, cancellationToken) : null;
            if (result.GetValue(dryRun))
            {
                await WriteTableAsync(context, [assess, .. Plan(context, assessment, candidate)]);
                await context.Error.WriteLineAsync(Strings.RecoverDryRunDone);
                return ExitCodes.Success;
            }

            var store = IncidentCommand.Store(context);
            var actor = IncidentCommand.CurrentUser();
            var joined = (await store.ListAsync(cancellationToken)).FirstOrDefault(incident => incident.IsOpen)?.Id;
            var id = joined ?? await store.OpenAsync($"o4o recover: {assessment.Summary}", time.GetUtcNow(), actor, null, assessment.Type, cancellationToken);
            var outcomes = new List<PhaseOutcome> { assess };
            await store.AppendAsync(id, assess.ToTimelineEntry(time.GetUtcNow(), actor), cancellationToken);
            if (assess.OverBudget)
            {
                await store.AppendAsync(id, PhaseBudget.Overrun(assess.Phase, time.GetUtcNow(), actor), cancellationToken);
            }

            // A run that cannot get the yes its restore needs does nothing at all: half a runbook is not a recovery. Without
            // that restore, verifying and switching AutoRecovery back on (after a person declined it) would only pretend.
            var needsYes = assessment.RestoreCalledFor && !result.GetValue(yes) && !context.CanAsk;
            Exception? restoreFailure = null;
            foreach (var planned in Plan(context, assessment, candidate))
            {
                var phaseStarted = time.GetTimestamp();
                using var phaseEnded = new CancellationTokenSource();
                var budget = PhaseBudget.WatchAsync(store, id, planned.Phase, actor, time, phaseEnded.Token);
                var outcome = needsYes || outcomes.Exists(done => done.Status == PhaseStatus.Unconfirmed)
                    ? NotRun(planned, needsYes)
                    : planned.Phase.Number switch
                    {
                        2 when assessment.Down.Count > 0 => await RestartAsync(context, assessment, actor, cancellationToken),
                        3 when assessment.RestoreCalledFor => await RestoreAsync(context, result.GetValue(yes), actor, failure => restoreFailure = failure, cancellationToken),
                        4 => await VerifyAsync(context, cancellationToken),
                        5 => await MonitorAsync(context, planned, actor, cancellationToken),
                        _ => planned,
                    };
                await phaseEnded.CancelAsync();
                await budget;
                outcome = outcome with { Took = time.GetElapsedTime(phaseStarted) };
                outcomes.Add(outcome);
                await store.AppendAsync(id, outcome.ToTimelineEntry(time.GetUtcNow(), actor), cancellationToken);
            }

            // The incident this run opened is over once phase 4 verified the platform; one it joined ends as it began.
            if (joined is null && outcomes[3].Status == PhaseStatus.Done)
            {
                await store.ResolveAsync(id, time.GetUtcNow(), actor, $"recovered: phase 4 verify passed ({outcomes[3].Detail})", cancellationToken);
            }

            await WriteTableAsync(context, outcomes);
            var report = Path.Combine(context.Home.Root, "reports", string.Create(CultureInfo.InvariantCulture, $"incident-{id}.md"));
            Directory.CreateDirectory(Path.GetDirectoryName(report)!);
            AtomicFile.WriteAllText(report, PostMortem.Render(await store.GetAsync(id, cancellationToken), await store.TimelineAsync(id, cancellationToken),
                CultureInfo.CurrentUICulture, time.GetUtcNow()));
            await context.Error.WriteLineAsync(Text.Format(Strings.RecoverReport, id, report));
            // A corrupt archive is exit 4 in every command, here as in restore and backup verify.
            return outcomes[2].Status == PhaseStatus.Unconfirmed ? ExitCodes.Failure
                : restoreFailure is not null && Failures.Describe(restoreFailure).ExitCode == ExitCodes.BackupCorrupt ? ExitCodes.BackupCorrupt
                : outcomes[3].Status == PhaseStatus.Done ? ExitCodes.Success : ExitCodes.Unhealthy;
        });
        return command;
    }

    /// <summary>Phases 2 to 5 as they would run; verify's outcome is replaced by the real one.</summary>
    private static IEnumerable<PhaseOutcome> Plan(CliContext context, RecoverAssessment assessment, string? restoreCandidate)
    {
        // Without a conductor there is nothing to restart through, nor an AutoRecovery switch to throw: a person does both.
        var conductor = ConductorRecord.ReadRunning(context.Home) is not null;
        yield return assessment.Down.Count == 0
            ? new PhaseOutcome(RunbookPhase.All[1], PhaseStatus.Skipped, Strings.RecoverNothingDown, TimeSpan.Zero)
            : conductor
                ? new PhaseOutcome(RunbookPhase.All[1], PhaseStatus.Planned, Text.Format(Strings.RecoverRestartPlan, string.Join(", ", Supervised(assessment))), TimeSpan.Zero)
                : new PhaseOutcome(RunbookPhase.All[1], PhaseStatus.Manual, Text.Format(Strings.RecoverRestartManual, string.Join(", ", assessment.Down)), TimeSpan.Zero);
        yield return !assessment.RestoreCalledFor
            ? new PhaseOutcome(RunbookPhase.All[2], PhaseStatus.Skipped, Strings.RecoverNoRestoreNeeded, TimeSpan.Zero)
            : restoreCandidate is null
                ? new PhaseOutcome(RunbookPhase.All[2], PhaseStatus.Manual, Strings.RecoverNoBackup, TimeSpan.Zero)
                : new PhaseOutcome(RunbookPhase.All[2], PhaseStatus.Planned, Text.Format(Strings.RecoverRestorePlan, Path.GetFileName(restoreCandidate),
                    context.Bind<DatabaseOptions>(DatabaseOptions.Section).Name), TimeSpan.Zero);
        yield return new PhaseOutcome(RunbookPhase.All[3], PhaseStatus.Planned, Strings.RecoverVerifyPlan, TimeSpan.Zero);
        yield return new PhaseOutcome(RunbookPhase.All[4], conductor ? PhaseStatus.Planned : PhaseStatus.Manual,
            Text.Format(conductor ? Strings.RecoverMonitoringPlan : Strings.RecoverMonitoring, NewestBackupName(context)), TimeSpan.Zero);
    }

    private static PhaseOutcome NotRun(PhaseOutcome planned, bool needsYes) =>
        needsYes && planned.Phase.Number == 3
            ? planned with { Status = PhaseStatus.Unconfirmed, Detail = Strings.RecoverRestoreNeedsYes }
            : planned with { Status = PhaseStatus.Skipped, Detail = Strings.RecoverStoppedUnconfirmed };

    private static string NewestBackupName(CliContext context) =>
        NewestBackup(context) is { } newest ? Path.GetFileName(newest) : Strings.RecoverNoBackup;

    /// <summary>The archive <c>latest</c> names, or null when there is none.</summary>
    private static string? NewestBackup(CliContext context)
    {
        var directory = VerifyCommand.BackupDirectory(context);
        return Directory.Exists(directory) ? ArchiveName.Newest(directory) : null;
    }

    private static async Task<PhaseOutcome> VerifyAsync(CliContext context, CancellationToken cancellationToken)
    {
        var report = await VerifyCommand.RunAsync(context, cancellationToken);
        var failed = report.Checks.Where(check => !check.Passed).Select(check => $"{check.Name}: {check.Detail}").ToList();
        return new PhaseOutcome(RunbookPhase.All[3], report.Passed ? PhaseStatus.Done : PhaseStatus.Failed,
            report.Passed ? Text.Format(Strings.RecoverVerifyPassed, report.Checks.Count) : CommandInvoker.OneLine(string.Join("; ", failed)), TimeSpan.Zero);
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
