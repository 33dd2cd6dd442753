using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Filters;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace O4O.Recovery.Supervision;

/// <summary>
/// The conductor's one logging pipeline: every event, job error and handler exception of the control socket and the
/// dashboard goes to <c>logs/conductor.log</c> (0600, with stacks), and errors also to the operator's console in one line.
/// The framework's own chatter is kept to warnings.
/// </summary>
public static class ConductorLogging
{
    /// <summary>The conductor's log file, which <c>o4o logs conductor</c> shows.</summary>
    public static string FileOf(O4OHome home) => Path.Combine(home.Logs, "conductor.log");

    /// <summary>Makes the pipeline; disposing it flushes and closes the file.</summary>
    /// <param name="home">The home whose <c>logs/conductor.log</c> it appends to.</param>
    /// <param name="console">Where the operator reads errors (the command's stderr).</param>
    public static Serilog.Core.Logger Create(O4OHome home, TextWriter console)
    {
        var file = FileOf(home);
        // Owner-only from the start: Serilog opens the file with the process's umask otherwise.
        PrivateFiles.CreateIfMissing(file);
        return new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System", LogEventLevel.Warning)
            .WriteTo.File(file, outputTemplate: "{UtcTimestamp:yyyy-MM-dd HH:mm:ss.fff}Z {Message:lj}{NewLine}{Exception}", formatProvider: CultureInfo.InvariantCulture)
            // A web server that fails to start (the dashboard's port taken) is caught and recorded by the conductor: not an error to show.
            .WriteTo.Logger(operatorErrors => operatorErrors
                .Filter.ByExcluding(Matching.FromSource("Microsoft.Extensions.Hosting"))
                .WriteTo.Sink(new OperatorConsole(console, new MessageTemplateTextFormatter(
                    "o4o: {Message:lj} (details in " + file + "){NewLine}", CultureInfo.InvariantCulture)), LogEventLevel.Error))
            .CreateLogger();
    }

    /// <summary>One line per error on the operator's console; the stack stays in the file.</summary>
    private sealed class OperatorConsole(TextWriter console, ITextFormatter formatter) : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            lock (console)
            {
                formatter.Format(logEvent, console);
                console.Flush();
            }
        }
    }
}
