using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Offsite;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o restore --latest-clean [--before TIME] [--db-only] [--yes]</c>, the runbook's "restore from the most recent clean
/// backup" after ransomware: the archive <see cref="LatestCleanArchive"/> chooses and every newer one passed over, with why,
/// on stdout; then the archive's restore, or, where WAL is archived and a suspicious archive (or --before) bounds the clean
/// state, a point-in-time restore to just before it that carries nothing over, and the platform files from the archive.
/// </summary>
internal static class RestoreLatestClean
{
    public static readonly Option<bool> LatestClean = new("--latest-clean") { Description = Strings.OptionLatestClean };
    public static readonly Option<DateTimeOffset?> Before = new("--before") { Description = Strings.OptionBefore, CustomParser = RestorePointInTime.ParseTime };

    /// <summary>--latest-clean with none of the other restores' choices; --before only with it.</summary>
    public static void Validate(CommandResult command, Argument<string> name, Option<bool> undo)
    {
        var conflicts = command.GetValue(LatestClean)
            ? command.GetResult(name) is { Tokens.Count: > 0 } || command.GetValue(undo) || command.GetValue(RestoreCleanup.Cleanup) || RestorePointInTime.Requested(command)
            : command.GetResult(Before) is not null;
        if (conflicts)
        {
            command.AddError(Strings.LatestCleanOptionsConflict);
        }
    }

    public static async Task<int> RunAsync(CliContext context, DateTimeOffset? before, bool databaseOnly, bool yes, CancellationToken cancellationToken)
    {
        if (!yes && !context.CanAsk)
        {
            throw new RestoreRefusedException(Strings.RestoreNeedsYes);
        }

        var environment = BackupEnvironment.From(context);
        using var clean = await FindAsync(context, environment, before, cancellationToken);
        foreach (var skip in clean.Skipped)
        {
            await context.Out.WriteLineAsync(Text.Format(Strings.CleanPassedOver, skip.Name, Reason(skip)));
        }

        if (clean.Chosen is not { } chosen)
        {
            throw new RestoreRefusedException(before is { } limit ? Text.Format(Strings.CleanNoneBefore, Time(limit)) : Strings.CleanNone);
        }

        var where = chosen.FromOffsite ? Strings.CleanWhereOffsite : Strings.CleanWhereLocal;
        await context.Out.WriteLineAsync(before is { } made ? Text.Format(Strings.CleanChosenBefore, chosen.Name, where, Time(made)) : Text.Format(Strings.CleanChosen, chosen.Name, where));
        var actor = $"{IncidentCommand.CurrentUser()} (o4o restore --latest-clean)";
        var (target, why) = Target(clean.Anomaly, before);
        await new RestoreRecord(context, new EventLog(context.Home.StateDatabase), actor).RecordAsync(new RecoveryEvent(context.Time.GetUtcNow(),
            Conductor.DatabaseComponent, RecoveryEventKind.Action,
            $"restoring the last clean state from {chosen.Name}{(chosen.FromOffsite ? " (its off-site copy, downloaded and verified)" : "")}",
            clean.Skipped.Count == 0 ? "" : $"passed over {string.Join(", ", clean.Skipped.Select(skip => $"{skip.Name} ({skip.Reason})"))}",
            target is { } at ? $"the database to just before {Time(at)}" : "", null, actor), cancellationToken);

        if (target is { } point && await DamageRecoveryPoint.IsAvailableAsync(context.Home, environment.Database, cancellationToken))
        {
            await context.Out.WriteLineAsync(why);
            try
            {
                return await ReplayAsync(context, environment, chosen.Archive, RecoveryTarget.ToTime(point, exclusive: true), databaseOnly, yes, actor, cancellationToken);
            }
            catch (RecoveryTargetException unreachable)
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.CleanReplayUnreachable, unreachable.Message, chosen.Name));
            }
        }

        return await RestoreCommand.RestoreAsync(context, environment.Restore(), chosen.Archive, databaseOnly, yes, cancellationToken);
    }

    private static Task<LatestCleanArchive> FindAsync(CliContext context, BackupEnvironment environment, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        var offsite = environment.Offsite.Enabled
            ? new OffsiteCopies(context.Home.StateDatabase).All().Where(copy => copy.Complete).Select(copy => copy.Name).ToList()
            : [];
        var verifier = new OffsiteVerifier(environment.Home, environment.Offsite, environment.Server(), environment.Catalogue(), context.Time);
        return LatestCleanArchive.FindAsync(environment.Directory, environment.Catalogue(), offsite, before, (name, token) =>
        {
            context.Error.WriteLine(Text.Format(Strings.CleanFetching, name));
            return verifier.FetchAsync(name, null, token);
        }, cancellationToken);
    }

    /// <summary>The earlier of the first suspicious archive's start and --before, and the line that says which.</summary>
    private static (DateTimeOffset? Target, string Why) Target(FirstAnomaly? anomaly, DateTimeOffset? before) =>
        anomaly is not null && (before is null || anomaly.StartedAt <= before)
            ? (anomaly.StartedAt, Text.Format(Strings.CleanReplayAnomaly, anomaly.Name, Time(anomaly.StartedAt)))
            : before is { } limit ? (limit, Text.Format(Strings.CleanReplayBefore, Time(limit))) : (null, "");

    /// <summary>The database back to <paramref name="target"/> with nothing carried over, then the clean archive's platform files.</summary>
    private static async Task<int> ReplayAsync(CliContext context, BackupEnvironment environment, string archive, RecoveryTarget target, bool databaseOnly, bool yes,
        string actor, CancellationToken cancellationToken)
    {
        var started = context.Time.GetUtcNow();
        var outcome = await RestorePointInTime.RestoreAsync(context, target, PointInTimeMode.DatabaseOnly, dryRun: false, yes, actor, cancellationToken, carryOver: false);
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
        await context.Error.WriteLineAsync(Text.Format(Strings.PitrDone, outcome.Plan.LiveDatabase, outcome.Plan.Target, outcome.Plan.Kept));
        if (databaseOnly)
        {
            return ExitCodes.Success;
        }

        var (files, failure) = await environment.Restore().RestorePlatformFilesAsync(archive, started, cancellationToken);
        if (failure is not null)
        {
            await CliConsole.FailAsync(context, Text.Format(Strings.RestoreFilesFailed, outcome.Plan.LiveDatabase, outcome.Plan.Kept, failure));
            return ExitCodes.Failure;
        }

        await context.Error.WriteLineAsync(Text.Format(Strings.CleanFilesRestored, Path.GetFileName(archive), files));
        return ExitCodes.Success;
    }

    private static string Reason(CleanSkip skip) => skip.Reason switch
    {
        CleanSkipReason.Suspicious => Text.Format(Strings.CleanSuspicious, skip.Score?.ToString("0.0#", CultureInfo.InvariantCulture) ?? "-", skip.Detail),
        CleanSkipReason.MadeAfterLimit => Strings.CleanMadeAfter,
        CleanSkipReason.FailedVerification => Text.Format(Strings.CleanFailedVerification, skip.Detail),
        CleanSkipReason.NotVerified => Text.Format(Strings.CleanNotVerified, skip.Name),
        _ => Text.Format(Strings.CleanOffsiteFailed, skip.Detail),
    };

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
