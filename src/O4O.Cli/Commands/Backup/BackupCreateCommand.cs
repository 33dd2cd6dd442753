using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;

namespace O4O.Cli.Commands;

/// <summary><c>o4o backup create [--include-secrets]</c>: prints the new archive's path on stdout.</summary>
internal static class BackupCreateCommand
{
    private static readonly Option<bool> _includeSecrets = new("--include-secrets") { Description = Strings.OptionIncludeSecrets };

    public static Command Build()
    {
        var command = new Command("create", Strings.BackupCreateDescription);
        command.Options.Add(_includeSecrets);
        command.SetAction((ParseResult parsed, CancellationToken cancellationToken) => BackupConsole.RunAsync(async () =>
        {
            var environment = BackupEnvironment.Load();
            environment.EnsureDefaultDirectory();
            var catalogue = environment.Catalogue();
            var creator = new BackupCreator(environment.Home, environment.Directory, environment.Server(), TimeProvider.System);
            var result = await BackupConsole.WithProgressAsync(Strings.BackupDumping,
                progress => creator.CreateAsync(parsed.GetValue(_includeSecrets), catalogue.KnownHash, progress, cancellationToken));
            catalogue.Record(result);
            Console.Out.WriteLine(result.ArchivePath);
            BackupConsole.Note(BackupConsole.Format(Strings.BackupCreated,
                Path.GetFileName(result.ArchivePath), BackupFormat.Size(result.Size), result.Manifest.RowCounts.Count,
                result.Manifest.Duration.TotalSeconds));
            return ExitCodes.Success;
        }));
        return command;
    }
}
