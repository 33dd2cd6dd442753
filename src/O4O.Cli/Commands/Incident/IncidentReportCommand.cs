using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Incidents;
using O4O.Recovery.IO;

namespace O4O.Cli.Commands;

/// <summary><c>o4o incident report N [--lang ko] [--out FILE]</c>: the post-mortem in the runbook's template, as Markdown.</summary>
internal static class IncidentReportCommand
{
    public static Command Create(CliContext context)
    {
        var id = IncidentCommand.IdArgument();
        var output = new Option<string?>("--out") { Description = Strings.IncidentReportOutOption };
        var command = new Command("report", Strings.IncidentReportDescription);
        command.Arguments.Add(id);
        command.Options.Add(output);
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => IncidentCommand.RunAsync(context, async store =>
        {
            var incident = await store.GetAsync(result.GetValue(id), cancellationToken);
            var timeline = await store.TimelineAsync(incident.Id, cancellationToken);
            var report = PostMortem.Render(incident, timeline, CultureInfo.CurrentUICulture, context.Time.GetUtcNow());
            if (result.GetValue(output) is not { } file)
            {
                await context.Out.WriteAsync(report);
                return ExitCodes.Success;
            }

            var path = Path.GetFullPath(file);
            if (!Directory.Exists(Path.GetDirectoryName(path)))
            {
                await context.Error.WriteLineAsync(Text.Format(Strings.ErrorLine, Text.Format(Strings.IncidentReportNoDirectory, Path.GetDirectoryName(path))));
                return ExitCodes.UsageError;
            }

            AtomicFile.WriteAllText(path, report);
            await context.Error.WriteLineAsync(Text.Format(Strings.IncidentReportWritten, path));
            return ExitCodes.Success;
        }));
        return command;
    }
}
