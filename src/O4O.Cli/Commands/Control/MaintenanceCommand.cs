using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o maintenance on|off [--component C]</c>: while a person works on a component, the conductor still detects and
/// records its failures but does not restart it. Both ends of the window are on the record.
/// </summary>
internal static class MaintenanceCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("maintenance", Strings.MaintenanceDescription);
        command.Subcommands.Add(Window(context, "on", Strings.MaintenanceOnDescription, on: true));
        command.Subcommands.Add(Window(context, "off", Strings.MaintenanceOffDescription, on: false));
        return command;
    }

    private static Command Window(CliContext context, string name, string description, bool on)
    {
        var component = new Option<string?>("--component") { Description = Strings.MaintenanceComponentOption };
        var command = new Command(name, description);
        command.Options.Add(component);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
            await UpControl.RunAsync(context, async client =>
            {
                var target = result.GetValue(component);
                await client.MaintenanceAsync(on, UpControl.Actor, target, cancellationToken);
                await context.Error.WriteLineAsync(Text.Format(on ? Strings.MaintenanceBegan : Strings.MaintenanceEnded,
                    target ?? Strings.MaintenanceAllComponents));
                return ExitCodes.Success;
            }));
        return command;
    }
}
