using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;
using O4O.Recovery.Restore;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o restore [NAME | latest] [--db-only] [--yes]</c>, <c>o4o restore --undo</c>, <c>o4o restore --cleanup</c> (<see cref="RestoreCleanup"/>)
/// the point-in-time restore <c>o4o restore --to-time | --to-lsn | --before-incident</c> (<see cref="RestorePointInTime"/>),
/// the return to the last clean state <c>o4o restore --latest-clean</c> (<see cref="RestoreLatestClean"/>) and the
/// bare-machine restore <c>o4o restore --from s3://… --key-file KEY</c> (<see cref="RestoreFromOffsite"/>).
/// Prints the name the replaced database is kept under on stdout.
/// </summary>
internal static class RestoreCommand
{
    private static readonly Argument<string> _name = new("name") { Description = Strings.ArgumentBackupName, DefaultValueFactory = _ => "latest" };
    private static readonly Option<bool> _databaseOnly = new("--db-only") { Description = Strings.OptionDatabaseOnly };
    private static readonly Option<bool> _yes = new("--yes") { Description = Strings.OptionYes };
    private static readonly Option<bool> _undo = new("--undo") { Description = Strings.OptionUndo };

    public static Command Create(CliContext context)
    {
        var command = new Command("restore", Strings.RestoreDescription);
        command.Arguments.Add(_name);
        command.Options.Add(_databaseOnly);
        command.Options.Add(_yes);
        command.Options.Add(_undo);
        command.Options.Add(RestoreCleanup.Cleanup);
        command.Options.Add(RestoreCleanup.OlderThan);
        command.Options.Add(RestoreCleanup.DryRun);
        command.Options.Add(RestorePointInTime.ToTime);
        command.Options.Add(RestorePointInTime.ToLsn);
        command.Options.Add(RestorePointInTime.BeforeIncident);
        command.Options.Add(RestorePointInTime.Full);
        command.Options.Add(RestoreLatestClean.LatestClean);
        command.Options.Add(RestoreLatestClean.Before);
        command.Options.Add(RestoreFromOffsite.From);
        command.Options.Add(RestoreFromOffsite.KeyFile);
        command.Validators.Add(result => RestoreCleanup.Validate(result, _undo, _databaseOnly));
        command.Validators.Add(result => RestorePointInTime.Validate(result, _name, _undo, _databaseOnly));
        command.Validators.Add(result => RestoreLatestClean.Validate(result, _name, _undo));
        command.Validators.Add(result => RestoreFromOffsite.Validate(result, _name, _undo, _databaseOnly, RestoreCleanup.Cleanup, RestorePointInTime.ToTime,
            RestorePointInTime.ToLsn, RestorePointInTime.BeforeIncident, RestorePointInTime.Full, RestoreLatestClean.LatestClean, RestoreLatestClean.Before));
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            var yes = parsed.GetValue(_yes);
            if (parsed.GetValue(RestoreCleanup.Cleanup))
            {
                return await RestoreCleanup.RunAsync(context, parsed.GetValue(RestoreCleanup.OlderThan), parsed.GetValue(RestoreCleanup.DryRun), yes, cancellationToken);
            }

            if (RestoreFromOffsite.Requested(parsed.CommandResult))
            {
                return await RestoreFromOffsite.RunAsync(context, parsed, yes, cancellationToken);
            }

            if (RestorePointInTime.Requested(parsed.CommandResult))
            {
                return await RestorePointInTime.RunAsync(context, parsed, yes, cancellationToken);
            }

            if (parsed.GetValue(RestoreLatestClean.LatestClean))
            {
                return await RestoreLatestClean.RunAsync(context, parsed.GetValue(RestoreLatestClean.Before), parsed.GetValue(_databaseOnly), yes, cancellationToken);
            }

            if (!yes && !context.CanAsk)
            {
                throw new RestoreRefusedException(Strings.RestoreNeedsYes);
            }

            var environment = BackupEnvironment.From(context);
            var restore = environment.Restore();
            return parsed.GetValue(_undo)
                ? await UndoAsync(context, restore, yes, cancellationToken)
                : await RestoreAsync(context, restore, await FindAsync(context, environment, parsed.GetValue(_name)!, cancellationToken), parsed.GetValue(_databaseOnly), yes, cancellationToken);
        });
        return command;
    }

    /// <summary>The archive <paramref name="name"/> names; for <c>latest</c>, the best candidate, saying which newer ones it passes over.</summary>
    private static async Task<string> FindAsync(CliContext context, BackupEnvironment environment, string name, CancellationToken cancellationToken)
    {
        if (name != "latest")
        {
            return ArchiveLocator.Find(environment.Directory, name);
        }

        var latest = await LatestAsync(environment, context.Error.WriteLine, cancellationToken);
        return latest.Candidates[0];
    }

    /// <summary>What <c>latest</c> may restore, best first; each archive passed over is reported through <paramref name="note"/>.</summary>
    internal static async Task<LatestArchive> LatestAsync(BackupEnvironment environment, Action<string> note, CancellationToken cancellationToken)
    {
        var latest = await LatestArchive.FindAsync(environment.Directory, environment.Catalogue(), cancellationToken);
        foreach (var skipped in latest.Skipped)
        {
            note(Text.Format(Strings.RestoreSkipped, skipped.Name, skipped.Reason));
        }

        return latest;
    }

    /// <summary>
    /// The restore both <c>o4o restore</c> and phase 3 of <c>o4o recover</c> run: load and verify <paramref name="archive"/>,
    /// say what the live database holds beyond it, then ask before the swap unless <paramref name="yes"/>. Without a question,
    /// what is lost goes on the open incident's timeline too, so it is on record for whoever follows up.
    /// </summary>
    internal static async Task<RestoreOutcome> LoadAndSwapAsync(CliContext context, DatabaseRestore restore, string archive, bool databaseOnly, bool yes,
        IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (!yes)
        {
            return await restore.RestoreAsync(archive, databaseOnly, plan =>
            {
                context.Error.WriteLine(RestoreChanges.Describe(plan));
                return CliConsole.Confirm(context, Text.Format(Strings.RestoreConfirm, plan.Archive, plan.Manifest.RowCounts.Values.Sum(), plan.LiveDatabase,
                    plan.DisplacedDatabase));
            }, progress, cancellationToken);
        }

        // Said after the load: a progress bar may be on the terminal during it.
        var outcome = await restore.RestoreAsync(archive, databaseOnly, _ => true, progress, cancellationToken);
        var changes = RestoreChanges.Describe(outcome.Plan);
        await context.Error.WriteLineAsync(changes);
        await RestoreChanges.NoteOnOpenIncidentAsync(context, changes, cancellationToken);

        return outcome;
    }

    internal static async Task<int> RestoreAsync(CliContext context, DatabaseRestore restore, string archive, bool databaseOnly, bool yes, CancellationToken cancellationToken)
    {
        var description = Text.Format(Strings.RestoreLoading, Path.GetFileName(archive));
        Task<RestoreOutcome> Run(IProgress<long>? progress) => LoadAndSwapAsync(context, restore, archive, databaseOnly, yes, progress, cancellationToken);

        // A live progress bar and a prompt cannot share the terminal: the bar is shown only when no question follows.
        RestoreOutcome outcome;
        if (yes)
        {
            outcome = await CliConsole.WithProgressAsync(context, description, Run);
        }
        else
        {
            await context.Error.WriteLineAsync(description);
            outcome = await Run(null);
        }
        if (!outcome.Swapped)
        {
            await context.Error.WriteLineAsync(Strings.RestoreDeclined);
            return ExitCodes.Failure;
        }

        await context.Out.WriteLineAsync(outcome.Plan.DisplacedDatabase);
        if (outcome.FilesFailure is { } failure)
        {
            await CliConsole.FailAsync(context, Text.Format(Strings.RestoreFilesFailed, outcome.Plan.LiveDatabase, outcome.Plan.DisplacedDatabase, failure));
            return ExitCodes.Failure;
        }

        await context.Error.WriteLineAsync(Text.Format(Strings.RestoreDone, outcome.Plan.Archive, outcome.Plan.LiveDatabase, outcome.Plan.DisplacedDatabase, outcome.FilesRestored));
        return ExitCodes.Success;
    }

    private static async Task<int> UndoAsync(CliContext context, DatabaseRestore restore, bool yes, CancellationToken cancellationToken)
    {
        var (restored, keptAs) = await restore.UndoAsync(broken => yes || CliConsole.Confirm(context, Text.Format(Strings.UndoConfirm, broken)), cancellationToken);
        if (keptAs.Length == 0)
        {
            await context.Error.WriteLineAsync(Strings.RestoreDeclined);
            return ExitCodes.Failure;
        }

        await context.Out.WriteLineAsync(keptAs);
        await context.Error.WriteLineAsync(Text.Format(Strings.UndoDone, restored, keptAs));
        return ExitCodes.Success;
    }
}
