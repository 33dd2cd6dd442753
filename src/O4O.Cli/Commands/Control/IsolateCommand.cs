using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Containment;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o isolate on [--yes] | off</c>: the runbook's containment after ransomware (scenario 2). The shop answers a
/// maintenance page, the conductor makes no scheduled backup or upload that could put encrypted data over a clean copy,
/// and the switch goes on the open incident (or opens one). Works with or without a running conductor (<see cref="Isolation"/>).
/// </summary>
internal static class IsolateCommand
{
    public static Command Create(CliContext context)
    {
        var yes = new Option<bool>("--yes") { Description = Strings.OptionIsolateYes };
        var on = new Command("on", Strings.IsolateOnDescription) { Options = { yes } };
        on.SetAction(async (ParseResult parsed, CancellationToken cancellationToken) =>
        {
            if (!parsed.GetValue(yes) && (!context.CanAsk || !CliConsole.Confirm(context, Strings.IsolateConfirm)))
            {
                await CliConsole.FailAsync(context, context.CanAsk ? Strings.IsolateDeclined : Strings.IsolateNeedsYes);
                return ExitCodes.Failure;
            }

            return await SwitchAsync(context, on: true, cancellationToken);
        });
        var off = new Command("off", Strings.IsolateOffDescription);
        off.SetAction((ParseResult _, CancellationToken cancellationToken) => SwitchAsync(context, on: false, cancellationToken));
        return new Command("isolate", Strings.IsolateDescription) { Subcommands = { on, off } };
    }

    private static async Task<int> SwitchAsync(CliContext context, bool on, CancellationToken cancellationToken)
    {
        var actor = UpControl.Actor;
        var now = context.Time.GetUtcNow();
        if (!(on ? Isolation.TurnOn(context.Home, actor, now) : Isolation.TurnOff(context.Home)))
        {
            await context.Error.WriteLineAsync(on ? Strings.IsolateAlreadyOn : Strings.IsolateAlreadyOff);
            return ExitCodes.Success;
        }

        var incident = await IsolationRecord.RecordAsync(context.Home.StateDatabase, on, actor, now, cancellationToken);
        await context.Error.WriteLineAsync(on ? Text.Format(Strings.IsolateBegan, incident) : Strings.IsolateEnded);
        if (on && !context.Bind<NginxOptions>(NginxOptions.Section).Enabled)
        {
            await context.Error.WriteLineAsync(Strings.IsolateWithoutNginx);
        }

        return ExitCodes.Success;
    }
}
