using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Releases;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o rollback [VERSION]</c>: the previous release (or the named one) made current again and the platform restarted
/// on it. Refused, on the record, when the database holds a migration the target does not know that is not marked
/// backward-compatible; the refusal names the recovery point to restore the database to.
/// </summary>
internal static class RollbackCommand
{
    public static Command Create(CliContext context)
    {
        var version = new Argument<string?>("version") { Description = Strings.RollbackVersionArgument, Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("rollback", Strings.RollbackDescription) { Arguments = { version } };
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) => await RollBackAsync(context, parsed.GetValue(version), cancellationToken));
        return command;
    }

    private static async Task<int> RollBackAsync(CliContext context, string? name, CancellationToken cancellationToken)
    {
        var store = new ReleaseStore(context.Home);
        if (name is not null && store.Find(name) is null)
        {
            throw new ReleaseInputException(Text.Format(Strings.RollbackUnknown, new string([.. name.Take(80).Select(c => char.IsControl(c) ? '?' : c)])));
        }

        var current = store.Current() ?? throw new ReleaseFailedException(Strings.RollbackNoCurrent);
        var target = name is null
            ? store.Before(current) ?? throw new ReleaseFailedException(Text.Format(Strings.RollbackNoPrevious, current.Name))
            : store.Find(name)!;
        if (target.Name == current.Name)
        {
            throw new ReleaseFailedException(Text.Format(Strings.RollbackAlreadyCurrent, current.Name));
        }

        var applied = await RollbackCheck.AppliedAsync(DatabaseCommands.Target(context).ToConnectionString(), cancellationToken);
        if (RollbackCheck.Blocking(current, target, applied) is { Count: > 0 } blocking)
        {
            var refusal = Text.Format(Strings.RollbackRefused, target.Name, string.Join(", ", blocking.Select(MigrationScripts.ShortName)),
                RecoveryPoint(context, store, target, blocking));
            await ReleaseSwitch.Journal(context).RecordAsync(new RecoveryEvent(context.Time.GetUtcNow(), ReleaseSwitch.Component, RecoveryEventKind.Note,
                $"rollback from {current.Name} to {target.Name} refused: migration(s) {string.Join(", ", blocking)} not backward-compatible",
                Outcome: "refused", Actor: UpControl.Actor), cancellationToken);
            throw new ReleaseFailedException(refusal);
        }

        return await ReleaseSwitch.MakeCurrentAsync(context, target, $"rollback from {current.Name}", backup: null, cancellationToken);
    }

    // The backup the deploy of the release that brought the migrations took, else the moment that release became current.
    private static string RecoveryPoint(CliContext context, ReleaseStore store, Release target, IReadOnlyList<string> blocking)
    {
        var introducer = RollbackCheck.IntroducedBy(store.List(), target, blocking);
        var record = introducer is null ? null : new ReleaseRecords(context.Home.StateDatabase).ReadAll().GetValueOrDefault(introducer.Name);
        var since = (record?.CurrentSince ?? introducer?.Manifest.CreatedAt ?? context.Time.GetUtcNow()).ToUniversalTime();
        var sinceText = since.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var release = introducer?.Name ?? target.Name;
        return record?.Backup is { } backup
            ? Text.Format(Strings.RollbackPointBackup, backup, release, sinceText)
            : Text.Format(Strings.RollbackPointTime, since.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), release);
    }
}
