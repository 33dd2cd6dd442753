using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;

namespace O4O.Cli.Commands;

/// <summary><c>o4o backup prune [--dry-run]</c>: prints the names of deleted (or, dry, deletable) archives on stdout.</summary>
internal static class BackupPruneCommand
{
    public static Command Create(CliContext context)
    {
        var dryRunOption = new Option<bool>("--dry-run") { Description = Strings.OptionDryRun };
        var command = new Command("prune", Strings.BackupPruneDescription);
        command.Options.Add(dryRunOption);
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            var environment = BackupEnvironment.From(context);
            var dryRun = parsed.GetValue(dryRunOption);
            var decisions = await new BackupPruner(environment.Directory, environment.Backup, environment.Catalogue()).PruneAsync(dryRun, cancellationToken);
            foreach (var decision in decisions)
            {
                if (decision.Keep)
                {
                    await context.Error.WriteLineAsync(Text.Format(Strings.PruneKeep, decision.Name, string.Join(", ", decision.Reasons)));
                }
                else
                {
                    await context.Out.WriteLineAsync(decision.Name);
                    await context.Error.WriteLineAsync(Text.Format(dryRun ? Strings.PruneWouldDelete : Strings.PruneDeleted, decision.Name));
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
