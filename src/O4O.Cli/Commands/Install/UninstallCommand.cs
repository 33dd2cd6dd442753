using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Processes;
using O4O.Recovery.Systemd;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o uninstall [--yes]</c>: stops and disables the service <c>o4o install --systemd</c> made and removes its unit.
/// The home (cluster, backups, secrets, logs) and the user who owns it stay, and the command says where.
/// </summary>
internal static class UninstallCommand
{
    public static Command Create(CliContext context)
    {
        var name = InstallCommand.NameOption();
        var directory = InstallCommand.UnitDirectoryOption();
        var yes = new Option<bool>("--yes") { Description = Strings.UninstallYesOption };
        var command = new Command("uninstall", Strings.UninstallDescription) { Options = { name, directory, yes } };
        command.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            if (!UnixProcess.IsRoot)
            {
                await CliConsole.FailAsync(context, Strings.UninstallNeedsRoot);
                return ExitCodes.EnvironmentError;
            }

            var path = Path.Combine(parsed.GetValue(directory)!, parsed.GetValue(name)! + ".service");
            if (!File.Exists(path))
            {
                await CliConsole.FailAsync(context, Text.Format(Strings.UninstallNotInstalled, path));
                return ExitCodes.Failure;
            }

            var unit = await File.ReadAllTextAsync(path, cancellationToken);
            var home = SystemdUnit.Setting(unit, "Environment", "O4O_HOME") ?? "?";
            if (!parsed.GetValue(yes) && (!context.CanAsk || !CliConsole.Confirm(context, Text.Format(Strings.UninstallConfirm, path, home))))
            {
                await CliConsole.FailAsync(context, context.CanAsk ? Strings.UninstallDeclined : Strings.UninstallNeedsYes);
                return ExitCodes.Failure;
            }

            await SystemdInstallation.RemoveAsync(path, cancellationToken);
            await context.Error.WriteLineAsync(Text.Format(Strings.UninstallDone, path, home, SystemdUnit.Setting(unit, "User") ?? "?"));
            return ExitCodes.Success;
        });
        return command;
    }
}
