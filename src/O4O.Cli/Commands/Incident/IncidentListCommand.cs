using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary><c>o4o incident list [--json]</c>: every incident, newest first.</summary>
internal static class IncidentListCommand
{
    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = Strings.IncidentJsonOption };
        var command = new Command("list", Strings.IncidentListDescription);
        command.Options.Add(json);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var now = context.Time.GetUtcNow();
            var views = (await IncidentCommand.Store(context).ListAsync(cancellationToken)).Select(incident => IncidentView.From(incident, now)).ToList();
            if (result.GetValue(json))
            {
                await context.Out.WriteLineAsync(CliJson.Serialize(views));
                return ExitCodes.Success;
            }

            if (views.Count == 0)
            {
                await context.Error.WriteLineAsync(Strings.IncidentNone);
            }

            foreach (var view in views)
            {
                await context.Out.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, "#{0,-4} {1,-10} {2}  {3,-12} {4}",
                    view.Id, view.StatusText, IncidentView.Time(view.FirstAlertAt), view.DurationText, view.TitleText));
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
