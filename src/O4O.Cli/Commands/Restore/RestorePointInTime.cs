using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using O4O.Cli.Resources;
using O4O.Recovery.Incidents;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o restore --to-time T | --to-lsn L | --before-incident N [--db-only | --full] [--dry-run] [--yes]</c>: a point-in-time
/// restore through a side instance (<see cref="PointInTimeRestore"/>). Each step is a line on stderr; the comparison with the
/// live database is shown before the swap (asked at a terminal, noted on the open incident with --yes); the name the
/// replaced database is kept under goes to stdout.
/// </summary>
internal static partial class RestorePointInTime
{
    public static readonly Option<DateTimeOffset?> ToTime = new("--to-time") { Description = Strings.OptionToTime, CustomParser = ParseTime };
    public static readonly Option<string?> ToLsn = new("--to-lsn") { Description = Strings.OptionToLsn, CustomParser = ParseLsn };
    public static readonly Option<long?> BeforeIncident = new("--before-incident") { Description = Strings.OptionBeforeIncident };
    public static readonly Option<bool> Full = new("--full") { Description = Strings.OptionFull };

    /// <summary>True when the command line names a point-in-time target.</summary>
    public static bool Requested(CommandResult command) =>
        command.GetResult(ToTime) is not null || command.GetResult(ToLsn) is not null || command.GetResult(BeforeIncident) is not null;

    /// <summary>One target at most; none of the archive restore's choices beside it; --full only with a target.</summary>
    public static void Validate(CommandResult command, Argument<string> name, Option<bool> undo, Option<bool> databaseOnly)
    {
        var targets = new Option[] { ToTime, ToLsn, BeforeIncident }.Count(option => command.GetResult(option) is not null);
        var conflicts = targets > 1 || (command.GetValue(Full) && (targets == 0 || command.GetValue(databaseOnly)))
            || (targets == 1 && (command.GetResult(name) is { Tokens.Count: > 0 } || command.GetValue(undo) || command.GetValue(RestoreCleanup.Cleanup)));
        if (conflicts)
        {
            command.AddError(Strings.PitrOptionsConflict);
        }
    }

    public static async Task<int> RunAsync(CliContext context, ParseResult parsed, bool yes, CancellationToken cancellationToken)
    {
        var dryRun = parsed.GetValue(RestoreCleanup.DryRun);
        if (!yes && !dryRun && !context.CanAsk)
        {
            throw new RestoreRefusedException(Strings.RestoreNeedsYes);
        }

        var target = await TargetAsync(context, parsed, cancellationToken);
        var mode = parsed.GetValue(Full) ? PointInTimeMode.FullCluster : PointInTimeMode.DatabaseOnly;
        var outcome = await RestoreAsync(context, target, mode, dryRun, yes, $"{IncidentCommand.CurrentUser()} (o4o restore)", cancellationToken);

        if (dryRun)
        {
            await context.Error.WriteLineAsync(PitrChanges.Describe(outcome.Plan));
            if (mode == PointInTimeMode.FullCluster)
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.PitrFullDryRun, context.Home.PostgresData, outcome.Plan.Kept));
            }

            await context.Error.WriteLineAsync(Strings.PitrDryRun);
            return ExitCodes.Success;
        }

        if (!outcome.Swapped)
        {
            await context.Error.WriteLineAsync(Strings.RestoreDeclined);
            return ExitCodes.Failure;
        }

        if (yes)
        {
            await RestoreChanges.NoteOnOpenIncidentAsync(context, PitrChanges.Describe(outcome.Plan), cancellationToken);
        }

        await context.Out.WriteLineAsync(outcome.Plan.Kept);
        if (outcome.Timeline is { } timeline)
        {
            await ConductorRestarts.WaitForPlatformAsync(context, context.Time.GetUtcNow(), cancellationToken);
            await context.Error.WriteLineAsync(Text.Format(Strings.PitrFullDone, outcome.Plan.Target, timeline, outcome.Plan.Kept));
            return ExitCodes.Success;
        }

        await context.Error.WriteLineAsync(Text.Format(Strings.PitrDone, outcome.Plan.LiveDatabase, outcome.Plan.Target, outcome.Plan.Kept));
        return ExitCodes.Success;
    }

    /// <summary>
    /// Restores to <paramref name="target"/> with a line per step on stderr, the comparison with the live database shown
    /// before the swap and asked at a terminal unless <paramref name="yes"/>: for <c>o4o restore --to-…</c> and <c>o4o recover</c>.
    /// </summary>
    public static async Task<PointInTimeOutcome> RestoreAsync(CliContext context, RecoveryTarget target, PointInTimeMode mode, bool dryRun, bool yes, string actor,
        CancellationToken cancellationToken, bool carryOver = true)
    {
        var environment = BackupEnvironment.From(context);
        var record = new RestoreRecord(context, new EventLog(context.Home.StateDatabase), actor);
        var supervision = new ConductorSupervision(context, actor);
        if (mode == PointInTimeMode.FullCluster && !dryRun)
        {
            await supervision.EnsureRunningAsync(cancellationToken);
        }

        var restore = new PointInTimeRestore(context.Home, environment.Server(), environment.Restore(), record, record.Actor, context.Time)
        {
            Supervision = supervision,
            CarryOver = carryOver,
        };
        var confirmation = mode == PointInTimeMode.FullCluster ? Strings.PitrFullConfirm : Strings.PitrConfirm;
        return await restore.RunAsync(target, mode, dryRun, plan =>
        {
            context.Error.WriteLine(PitrChanges.Describe(plan));
            return yes || CliConsole.Confirm(context, Text.Format(confirmation, plan.Target, plan.BackupSet, plan.LiveDatabase, plan.Kept));
        }, new StepLines(context), cancellationToken);
    }

    private static async Task<RecoveryTarget> TargetAsync(CliContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        if (parsed.GetValue(ToTime) is { } time)
        {
            return RecoveryTarget.ToTime(time);
        }

        if (parsed.GetValue(ToLsn) is { } lsn)
        {
            return RecoveryTarget.ToLsn(lsn);
        }

        var id = parsed.GetValue(BeforeIncident)!.Value;
        try
        {
            var store = IncidentCommand.Store(context);
            var incident = await store.GetAsync(id, cancellationToken);
            var timeline = await store.TimelineAsync(id, cancellationToken);
            var evidence = timeline.Select(entry => entry.At).Append(incident.FirstAlertAt).Min();
            await context.Error.WriteLineAsync(Text.Format(Strings.PitrBeforeIncident, id, evidence.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
            if (incident.FailureType is not (FailureType.DataLoss or FailureType.DatabaseDamage))
            {
                return RecoveryTarget.ToTime(evidence, exclusive: true);
            }

            // Damage has a transaction that did it, committed before its first evidence: the archived WAL names it.
            var point = await new DamageRecoveryPoint(context.Home, BackupEnvironment.From(context).Server()).FindAsync(evidence, cancellationToken);
            await context.Error.WriteLineAsync(Text.Format(Strings.PitrDamagingTransaction, point.Why));
            return point.Target;
        }
        catch (IncidentNotFoundException)
        {
            throw new RestoreRefusedException(Text.Format(Strings.IncidentNotFound, id));
        }
    }

    /// <summary>ISO 8601 (an offset or Z, else local time), or <c>YYYY-MM-DD HH:MM[:SS]</c> in local time.</summary>
    internal static DateTimeOffset? ParseTime(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value.Trim();
        if (TimeShape().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var time))
        {
            return time;
        }

        result.AddError(Text.Format(Strings.ErrorTimeFormat, text));
        return null;
    }

    private static string? ParseLsn(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value.Trim();
        try
        {
            RecoveryTarget.ToLsn(text);
            return text;
        }
        catch (FormatException)
        {
            result.AddError(Text.Format(Strings.ErrorLsnFormat, text));
            return null;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?$")]
    private static partial Regex TimeShape();

    /// <summary>A line on stderr as each step begins.</summary>
    private sealed class StepLines(CliContext context) : IProgress<PointInTimeProgress>
    {
        public void Report(PointInTimeProgress value) => context.Error.WriteLine(Text.Format(value.Step switch
        {
            PointInTimeStep.Restore => Strings.PitrStepRestore,
            PointInTimeStep.Replay => Strings.PitrStepReplay,
            PointInTimeStep.Confirmed => Strings.PitrStepConfirmed,
            PointInTimeStep.Copy => Strings.PitrStepCopy,
            PointInTimeStep.Verify => Strings.PitrStepVerify,
            PointInTimeStep.Replace => Strings.PitrStepReplace,
            PointInTimeStep.Start => Strings.PitrStepStart,
            PointInTimeStep.Check => Strings.PitrStepCheck,
            _ => Strings.PitrStepSwap,
        }, value.Detail));
    }
}
