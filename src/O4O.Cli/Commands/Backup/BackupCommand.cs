using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary><c>o4o backup</c>: create, list, verify and prune archives; the keys that seal them for off-site copies.</summary>
internal static class BackupCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("backup", Strings.BackupDescription);
        command.Subcommands.Add(BackupCreateCommand.Create(context));
        command.Subcommands.Add(BackupListCommand.Create(context));
        command.Subcommands.Add(BackupVerifyCommand.Create(context));
        command.Subcommands.Add(BackupPruneCommand.Create(context));
        command.Subcommands.Add(BackupKeyCommand.Create(context));
        return command;
    }
}
