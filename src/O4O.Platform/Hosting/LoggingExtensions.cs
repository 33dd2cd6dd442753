using System.Globalization;
using O4O.Recovery.Configuration;
using Serilog;
using Serilog.Events;

namespace O4O.Platform.Hosting;

public static class LoggingExtensions
{
    /// <summary>
    /// Console, <c>logs/app.log</c> and <c>logs/error.log</c> (errors only, the file the runbook tails), both rolled
    /// daily. Request logging stays off: it would cost more than the health endpoint it reports on.
    /// </summary>
    public static void AddO4OLogging(this WebApplicationBuilder builder, O4OHome home)
    {
        // The sink opens a file at its first event; error.log must exist before the first error, for `tail -f`.
        CurrentLogLink.EnsureToday(home.Logs, "error");
        builder.Services.AddSerilog(logger => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            // Npgsql reports every command at Information: noise at any request rate.
            .MinimumLevel.Override("Npgsql", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: CultureInfo.InvariantCulture)
            .WriteTo.File(
                Path.Combine(home.Logs, "app-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 31,
                formatProvider: CultureInfo.InvariantCulture,
                hooks: new CurrentLogLink("app.log"))
            .WriteTo.File(
                Path.Combine(home.Logs, "error-.log"),
                restrictedToMinimumLevel: LogEventLevel.Error,
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 31,
                formatProvider: CultureInfo.InvariantCulture,
                hooks: new CurrentLogLink("error.log")));
    }
}
