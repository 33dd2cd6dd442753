using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary><c>o4o incident open "title" [--by NAME]</c>: opens an incident by hand; prints its number.</summary>
internal static class IncidentOpenCommand
{
    public static Command Create(CliContext context)
    {
        var title = new Argument<string>("title") { Description = Strings.IncidentTitleArgument };
        var by = new Option<string?>("--by") { Description = Strings.IncidentByOption };
        var command = new Command("open", Strings.IncidentOpenDescription);
        command.Arguments.Add(title);
        command.Options.Add(by);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValue(title)))
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.ErrorLine, Strings.IncidentTitleEmpty));
                return ExitCodes.UsageError;
            }

            var id = await IncidentCommand.Store(context).OpenAsync(result.GetValue(title)!.Trim(), context.Time.GetUtcNow(),
                result.GetValue(by) ?? IncidentCommand.CurrentUser(), component: null, failureType: null, cancellationToken);
            await context.Out.WriteLineAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await context.Error.WriteLineAsync(Text.Format(Strings.IncidentOpened, id));
            return ExitCodes.Success;
        });
        return command;
    }
}
