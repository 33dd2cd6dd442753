using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary><c>o4o incident edit N [--impact TEXT] [--root-cause TEXT] [--actions TEXT]</c>: the fields of the post-mortem.</summary>
internal static class IncidentEditCommand
{
    public static Command Create(CliContext context)
    {
        var id = IncidentCommand.IdArgument();
        var impact = new Option<string?>("--impact") { Description = Strings.IncidentImpactOption };
        var rootCause = new Option<string?>("--root-cause") { Description = Strings.IncidentRootCauseOption };
        var actions = new Option<string?>("--actions") { Description = Strings.IncidentActionsOption };
        var command = new Command("edit", Strings.IncidentEditDescription);
        command.Arguments.Add(id);
        command.Options.Add(impact);
        command.Options.Add(rootCause);
        command.Options.Add(actions);
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => IncidentCommand.RunAsync(context, async store =>
        {
            if (result.GetValue(impact) is null && result.GetValue(rootCause) is null && result.GetValue(actions) is null)
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.ErrorLine, Strings.IncidentEditNothing));
                return ExitCodes.UsageError;
            }

            await store.EditAsync(result.GetValue(id), result.GetValue(impact), result.GetValue(rootCause), result.GetValue(actions), cancellationToken);
            return ExitCodes.Success;
        }));
        return command;
    }
}
