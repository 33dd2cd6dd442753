using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;

namespace O4O.Cli.Commands;

/// <summary><c>o4o backup prune [--dry-run]</c>: prints the names of deleted (or, dry, deletable) archives on stdout.</summary>
internal static class BackupPruneCommand
{
    private static readonly Option<bool> _dryRun = new("--dry-run") { Description = Strings.OptionDryRun };

    public static Command Build()
    {
        var command = new Command("prune", Strings.BackupPruneDescription);
        command.Options.Add(_dryRun);
        command.SetAction((ParseResult parsed, CancellationToken cancellationToken) => BackupConsole.RunAsync(async () =>
        {
            var environment = BackupEnvironment.Load();
            var dryRun = parsed.GetValue(_dryRun);
            var decisions = await new BackupPruner(environment.Directory, environment.Backup, environment.Catalogue()).PruneAsync(dryRun, cancellationToken);
            foreach (var decision in decisions)
            {
                if (decision.Keep)
                {
                    BackupConsole.Note(BackupConsole.Format(Strings.PruneKeep, decision.Name, string.Join(", ", decision.Reasons)));
                }
                else
                {
                    Console.Out.WriteLine(decision.Name);
                    BackupConsole.Note(BackupConsole.Format(dryRun ? Strings.PruneWouldDelete : Strings.PruneDeleted, decision.Name));
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
