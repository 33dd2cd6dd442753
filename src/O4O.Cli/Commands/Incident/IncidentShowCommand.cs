using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Incidents;

namespace O4O.Cli.Commands;

/// <summary><c>o4o incident show N [--json]</c>: one incident with its timeline.</summary>
internal static class IncidentShowCommand
{
    public static Command Create(CliContext context)
    {
        var id = IncidentCommand.IdArgument();
        var json = new Option<bool>("--json") { Description = Strings.IncidentJsonOption };
        var command = new Command("show", Strings.IncidentShowDescription);
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => IncidentCommand.RunAsync(context, async store =>
        {
            var incident = await store.GetAsync(result.GetValue(id), cancellationToken);
            var view = IncidentView.From(incident, context.Time.GetUtcNow(), await store.TimelineAsync(incident.Id, cancellationToken));
            await context.Out.WriteLineAsync(result.GetValue(json) ? CliJson.Serialize(view) : Render(view));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Render(IncidentView view)
    {
        var lines = new List<string>
        {
            $"#{view.Id} {view.TitleText}",
            Text.Format(Strings.IncidentShowStatus, view.StatusText, view.DurationText),
            Text.Format(Strings.IncidentShowFirstAlert, IncidentView.Time(view.FirstAlertAt)),
        };
        if (view.ResolvedAt is { } resolved)
        {
            lines.Add(Text.Format(Strings.IncidentShowResolved, IncidentView.Time(resolved)));
        }

        if (view.AcknowledgedAt is { } acknowledged)
        {
            lines.Add(Text.Format(Strings.IncidentShowAcknowledged, IncidentView.Time(acknowledged), view.AcknowledgedBy));
        }

        lines.Add(Text.Format(Strings.IncidentShowComponents, string.Join(", ", view.Components)));
        lines.Add(Text.Format(Strings.IncidentShowImpact, view.Impact));
        lines.Add(Text.Format(Strings.IncidentShowRootCause, view.RootCause));
        lines.Add(Text.Format(Strings.IncidentShowActions, view.Actions));
        lines.Add(Strings.IncidentShowTimeline);
        lines.AddRange(view.Timeline!.Zip(view.TimelineText!, (entry, text) =>
            $"  {IncidentView.Time(entry.At)}  {TimelineKinds.Describe(entry.Kind, CultureInfo.CurrentUICulture),-12} {entry.Component,-9} {text} ({entry.Actor})"));
        return string.Join(Environment.NewLine, lines);
    }
}
