using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary><c>o4o backup</c>: create, list, verify and prune archives.</summary>
internal static class BackupCommand
{
    public static Command Build()
    {
        var command = new Command("backup", Strings.BackupDescription);
        command.Subcommands.Add(BackupCreateCommand.Build());
        command.Subcommands.Add(BackupListCommand.Build());
        command.Subcommands.Add(BackupVerifyCommand.Build());
        command.Subcommands.Add(BackupPruneCommand.Build());
        return command;
    }
}
