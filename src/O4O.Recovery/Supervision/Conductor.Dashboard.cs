using O4O.Recovery.Control;
using O4O.Recovery.Dashboard;
using O4O.Recovery.PointInTime;

namespace O4O.Recovery.Supervision;

public sealed partial class Conductor
{
    /// <summary>
    /// Starts the dashboard, and returns it with its response-time sampler to run as a job. A dashboard that cannot listen
    /// (port taken, bad address) is recorded and left out: supervision matters more than its display.
    /// </summary>
    private async Task<(DashboardServer? Server, DashboardProbes? Sampler)> StartDashboardAsync(ConductorState state, RecoveryJournals journal, Uri platform,
        string databaseConnectionString, CancellationToken stop)
    {
        var options = settings.Dashboard;
        if (options.Port == 0)
        {
            return (null, null);
        }

        var samples = new ResponseSamples((int)Math.Clamp(options.History / options.SampleEvery, 10, 10_000));
        var context = new DashboardContext(home, options, state, samples,
            new DashboardBackups(home, settings.Database, settings.Backup, settings.Offsite, journal, time), new AdminSignIn(home, settings.PlatformSigningKey, databaseConnectionString), time)
        {
            WalArchiving = settings.Database.IsManaged && settings.Archiving.Enabled
                ? new DashboardWalArchiving(PgBackRest.For(home), databaseConnectionString, settings.Archiving, time)
                : null,
        };
        try
        {
            OperatorToken.LoadOrCreate(home);
            var server = await DashboardServer.StartAsync(context, loggers, stop);
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ConductorComponent, RecoveryEventKind.Note,
                $"dashboard on {server.Address}"), stop);
            return (server, new DashboardProbes(platform, databaseConnectionString, options, samples, time));
        }
        catch (Exception exception) when (exception is IOException or FormatException or System.Net.Sockets.SocketException)
        {
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ConductorComponent, RecoveryEventKind.Note,
                $"dashboard not served on {options.Address}:{options.Port}: {exception.Message}", "supervision goes on without it"), stop);
            // In the log alone, an operator looking for the dashboard would find nothing listening and no word why.
            observer.DashboardUnavailable($"{options.Address}:{options.Port}", exception.Message);
            return (null, null);
        }
    }
}
