using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Backups;

namespace O4O.Cli.Commands;

/// <summary><c>o4o backup create [--include-secrets]</c>: prints the new archive's path on stdout.</summary>
internal static class BackupCreateCommand
{
    public static Command Create(CliContext context)
    {
        var includeSecrets = new Option<bool>("--include-secrets") { Description = Strings.OptionIncludeSecrets };
        var command = new Command("create", Strings.BackupCreateDescription);
        command.Options.Add(includeSecrets);
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            var environment = BackupEnvironment.From(context);
            environment.EnsureDefaultDirectory();
            var catalogue = environment.Catalogue();
            var creator = new BackupCreator(environment.Home, environment.Directory, environment.Server(), context.Time);
            var result = await CliConsole.WithProgressAsync(context, Strings.BackupDumping,
                progress => creator.CreateAsync(parsed.GetValue(includeSecrets), catalogue.KnownHash, progress, cancellationToken));
            catalogue.Record(result);
            await context.Out.WriteLineAsync(result.ArchivePath);
            await context.Error.WriteLineAsync(Text.Format(Strings.BackupCreated,
                Path.GetFileName(result.ArchivePath), Sizes.Size(result.Size), result.Manifest.RowCounts.Count,
                result.Manifest.Duration.TotalSeconds));
            return ExitCodes.Success;
        });
        return command;
    }
}
