using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary><c>o4o incident ack N [--by NAME]</c>: mutes repeated pages at the current level; escalation goes on.</summary>
internal static class IncidentAckCommand
{
    public static Command Create(CliContext context)
    {
        var id = IncidentCommand.IdArgument();
        var by = new Option<string?>("--by") { Description = Strings.IncidentByOption };
        var command = new Command("ack", Strings.IncidentAckDescription);
        command.Arguments.Add(id);
        command.Options.Add(by);
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => IncidentCommand.RunAsync(context, async store =>
        {
            await store.AcknowledgeAsync(result.GetValue(id), result.GetValue(by) ?? IncidentCommand.CurrentUser(), context.Time.GetUtcNow(),
                cancellationToken);
            await context.Error.WriteLineAsync(Text.Format(Strings.IncidentAcknowledged, result.GetValue(id)));
            return ExitCodes.Success;
        }));
        return command;
    }
}
