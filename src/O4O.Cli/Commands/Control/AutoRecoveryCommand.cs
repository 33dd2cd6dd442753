using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Control;

namespace O4O.Cli.Commands;

/// <summary><c>o4o autorecovery on|off|status</c>: the runbook's phase-5 switch, recorded with who switched it.</summary>
internal static class AutoRecoveryCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("autorecovery", Strings.AutoRecoveryDescription);
        command.Subcommands.Add(Switch(context, "on", Strings.AutoRecoveryOnDescription, enabled: true));
        command.Subcommands.Add(Switch(context, "off", Strings.AutoRecoveryOffDescription, enabled: false));
        var status = new Command("status", Strings.AutoRecoveryStatusDescription);
        status.SetAction(async (ParseResult _, CancellationToken cancellationToken) =>
            await UpControl.RunAsync(context, async client => await ShowAsync(context, await client.AutoRecoveryAsync(cancellationToken))));
        command.Subcommands.Add(status);
        return command;
    }

    private static Command Switch(CliContext context, string name, string description, bool enabled)
    {
        var command = new Command(name, description);
        command.SetAction(async (ParseResult _, CancellationToken cancellationToken) =>
            await UpControl.RunAsync(context, async client =>
                await ShowAsync(context, await client.SetAutoRecoveryAsync(enabled, UpControl.Actor, cancellationToken))));
        return command;
    }

    private static async Task<int> ShowAsync(CliContext context, AutoRecoveryStatus status)
    {
        var state = status.Enabled ? Strings.AutoRecoveryStateOn : Strings.AutoRecoveryStateOff;
        await context.Out.WriteLineAsync(status.ChangedBy is null
            ? Text.Format(Strings.AutoRecoveryDefault, state)
            : Text.Format(Strings.AutoRecoverySwitched, state, status.ChangedBy,
                status.ChangedAt?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)));
        return ExitCodes.Success;
    }
}
