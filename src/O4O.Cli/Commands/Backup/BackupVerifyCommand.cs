using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;

namespace O4O.Cli.Commands;

/// <summary><c>o4o backup verify [NAME | --all]</c>: checksums, chain and a test restore; exit 4 when any archive fails.</summary>
internal static class BackupVerifyCommand
{
    private static readonly Argument<string> _name = new("name") { Description = Strings.ArgumentBackupName, DefaultValueFactory = _ => "latest" };
    private static readonly Option<bool> _all = new("--all") { Description = Strings.OptionVerifyAll };

    public static Command Build()
    {
        var command = new Command("verify", Strings.BackupVerifyDescription);
        command.Arguments.Add(_name);
        command.Options.Add(_all);
        command.SetAction((ParseResult parsed, CancellationToken cancellationToken) => BackupConsole.RunAsync(async () =>
        {
            var environment = BackupEnvironment.Load();
            environment.EnsureDefaultDirectory();
            var all = parsed.GetValue(_all);
            var names = all
                ? ArchiveName.ListArchives(environment.Directory).Select(Path.GetFileName).OfType<string>().ToList()
                : [ArchiveLocator.Find(environment.Directory, parsed.GetValue(_name)!)];
            var verifier = new BackupVerifier(environment.Directory, environment.Server(), environment.Catalogue(), TimeProvider.System);
            var failed = 0;
            foreach (var name in names)
            {
                VerifyResult result;
                try
                {
                    result = await BackupConsole.WithProgressAsync(BackupConsole.Format(Strings.BackupVerifying, Path.GetFileName(name)),
                        progress => verifier.VerifyAsync(name, progress, cancellationToken));
                }
                catch (BackupFailedException notAnArchive) when (all)
                {
                    // A FIFO or a device named like an archive is not one: --all goes on to the archives after it.
                    BackupConsole.Note(BackupConsole.Format(Strings.BackupVerifySkipped, name, notAnArchive.Message));
                    continue;
                }

                if (result.Passed)
                {
                    BackupConsole.Note(BackupConsole.Format(Strings.BackupVerified, result.Archive));
                    if (result.Note is { } note)
                    {
                        BackupConsole.Note(note);
                    }
                }
                else
                {
                    failed++;
                    BackupConsole.Fail(result.Failure!);
                }
            }

            return failed == 0 ? ExitCodes.Success : ExitCodes.BackupCorrupt;
        }));
        return command;
    }
}
