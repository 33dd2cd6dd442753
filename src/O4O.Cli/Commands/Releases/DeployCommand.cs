using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Releases;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o deploy [PATH|GIT_REF]</c>: publishes a release into <c>$O4O_HOME/releases/</c> (built under a partial name,
/// renamed when complete), backs the database up when it carries new migrations, makes it current, restarts the
/// platform on it through the conductor and prunes the oldest releases. The release's name on stdout.
/// </summary>
internal static class DeployCommand
{
    /// <summary>How many releases are kept by default (<c>Releases:Keep</c>); never the current one or the one before it.</summary>
    public const int DefaultKeep = 5;

    public static Command Create(CliContext context)
    {
        var source = new Argument<string?>("source") { Description = Strings.DeploySourceArgument, Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("deploy", Strings.DeployDescription) { Arguments = { source } };
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
            await DeployAsync(context, ReleaseSource.Parse(parsed.GetValue(source), Environment.CurrentDirectory), cancellationToken));
        return command;
    }

    /// <summary>How many releases to keep: <c>Releases:Keep</c>, at least 1.</summary>
    public static int Keep(CliContext context) =>
        int.TryParse(context.Configuration()["Releases:Keep"] ?? DefaultKeep.ToString(System.Globalization.CultureInfo.InvariantCulture),
            System.Globalization.CultureInfo.InvariantCulture, out var keep) && keep >= 1
            ? keep
            : throw new InvalidConfigurationException("Releases:Keep", new InvalidOperationException("must be a whole number of at least 1"));

    private static async Task<int> DeployAsync(CliContext context, ReleaseSource source, CancellationToken cancellationToken)
    {
        var keep = Keep(context);
        var store = new ReleaseStore(context.Home);
        context.Home.EnsureCreated();
        using var held = store.TryLock();
        if (held is null)
        {
            await CliConsole.FailAsync(context, Text.Format(Strings.DeployBusy, store.Root));
            return ExitCodes.Failure;
        }

        if (store.RemoveLeftovers() is { Count: > 0 } leftovers)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.DeployLeftoversRemoved, string.Join(", ", leftovers)));
        }

        var release = await PublishAsync(context, store, source, cancellationToken);
        await ReleaseSwitch.Journal(context).RecordAsync(new RecoveryEvent(context.Time.GetUtcNow(), ReleaseSwitch.Component, RecoveryEventKind.Note,
            $"deploy: published {release.Name} from {release.Manifest.Source} (commit {ReleaseSwitch.Short(release.Manifest.Commit)}), "
            + $"{release.Manifest.NewMigrations.Count} new migration(s)", Actor: UpControl.Actor), cancellationToken);
        await context.Out.WriteLineAsync(release.Name);
        await context.Out.FlushAsync(cancellationToken);

        var backup = release.Manifest.CarriesMigrations ? await BackUpAsync(context, release, cancellationToken) : null;
        if (backup is not null)
        {
            // On the release before its migrations can run, whatever the switch then does.
            new ReleaseRecords(context.Home.StateDatabase).RecordBackup(release.Name, backup);
        }

        var exitCode = await ReleaseSwitch.MakeCurrentAsync(context, release, "deploy", backup, cancellationToken);
        if (store.Prune(keep, store.Current()) is { Count: > 0 } pruned)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.DeployPruned, string.Join(", ", pruned)));
        }

        return exitCode;
    }

    private static async Task<Release> PublishAsync(CliContext context, ReleaseStore store, ReleaseSource source, CancellationToken cancellationToken)
    {
        var at = context.Time.GetUtcNow();
        // What runs now, to tell the migrations this release adds: the current release, else the build output the conductor runs.
        var running = store.Current()?.Manifest.Migrations ?? MigrationScripts.Read(await AuditCommand.PlatformAssemblyAsync(context, cancellationToken));
        var partial = store.BeginPartial(at);
        try
        {
            var publisher = new ReleasePublisher(line => context.Error.WriteLine(Text.Format(Strings.DeployProgress, line)));
            var manifest = await publisher.PublishAsync(source, partial, at, UpControl.Actor, running, cancellationToken);
            manifest.Write(partial);
            var release = store.Complete(partial, ReleaseName.For(manifest.Version, at), manifest);
            await context.Error.WriteLineAsync(Text.Format(Strings.DeployPublished, release.Name, manifest.Version, ReleaseSwitch.Short(manifest.Commit),
                manifest.Files.Count, manifest.NewMigrations.Count));
            return release;
        }
        catch
        {
            // A failed build leaves nothing behind; a killed one is removed by the next deploy.
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }

            throw;
        }
    }

    private static async Task<string> BackUpAsync(CliContext context, Release release, CancellationToken cancellationToken)
    {
        try
        {
            var (result, _) = await BackupEnvironment.From(context).CreateLogicalAsync(includeSecrets: false, progress: null, cancellationToken);
            var name = Path.GetFileName(result.ArchivePath);
            await context.Error.WriteLineAsync(Text.Format(Strings.DeployBackupTaken, release.Name, name));
            return name;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.DeployBackupFailed, release.Name));
            throw;
        }
    }
}
