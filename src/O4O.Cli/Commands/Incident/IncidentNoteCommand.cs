using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Incidents;

namespace O4O.Cli.Commands;

/// <summary><c>o4o incident note N "text" [--by NAME]</c>: a person's line on the timeline.</summary>
internal static class IncidentNoteCommand
{
    public static Command Create(CliContext context)
    {
        var id = IncidentCommand.IdArgument();
        var text = new Argument<string>("text") { Description = Strings.IncidentNoteArgument };
        var by = new Option<string?>("--by") { Description = Strings.IncidentByOption };
        var command = new Command("note", Strings.IncidentNoteDescription);
        command.Arguments.Add(id);
        command.Arguments.Add(text);
        command.Options.Add(by);
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => IncidentCommand.RunAsync(context, async store =>
        {
            var actor = result.GetValue(by) ?? IncidentCommand.CurrentUser();
            await store.AppendAsync(result.GetValue(id), new TimelineEntry(context.Time.GetUtcNow(), "Note", "", result.GetValue(text)!, actor),
                cancellationToken);
            return ExitCodes.Success;
        }));
        return command;
    }
}
