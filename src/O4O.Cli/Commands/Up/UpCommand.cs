using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary><c>o4o up</c>: the conductor in the foreground — database, platform, and a clean stop on Ctrl+C or SIGTERM.</summary>
internal static class UpCommand
{
    public static Command Create(CliContext context)
    {
        var command = new SignalOwningCommand("up", Strings.UpDescription);
        command.SetAction(async (ParseResult _, CancellationToken _) => await RunAsync(context));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context)
    {
        // First, so that an unwritable home is reported as such rather than as a configuration file it cannot read.
        context.Home.EnsureCreated();
        ReportTightened(context, context.Home.TightenPermissions());
        var platform = context.Bind<PlatformOptions>(PlatformOptions.Section);
        var assembly = PlatformLaunch.ResolveAssembly(platform.Assembly, AppContext.BaseDirectory);
        var backup = context.Bind<BackupOptions>(BackupOptions.Section);
        try
        {
            backup.ParseSchedule();
        }
        catch (FormatException exception)
        {
            // Refused before anything starts: a conductor without a valid schedule would never make a backup.
            throw new InvalidConfigurationException(BackupOptions.Section, exception);
        }

        var database = context.Bind<DatabaseOptions>(DatabaseOptions.Section);
        var nginx = context.Bind<NginxOptions>(NginxOptions.Section);
        var host = Prerequisites.Probe(database, nginx);
        var missing = Prerequisites.Missing(host, database.IsManaged, nginx.Enabled);
        if (!await Prerequisites.EnsureAsync(host, missing, context.Error, Prerequisites.AptGetAsync, CancellationToken.None))
        {
            return ExitCodes.EnvironmentError;
        }

        var settings = new ConductorSettings(database, platform,
            context.Bind<SupervisionOptions>(SupervisionOptions.Section), context.Bind<AutoRecoveryOptions>(AutoRecoveryOptions.Section),
            backup, nginx, context.Configuration());
        var conductor = new Conductor(context.Home, settings, assembly, new UpReporter(context.Error), context.Time, NullLoggerFactory.Instance);
        AuditCommand.RecordFirstDeploy(context.Home, assembly);

        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => RequestStop(signal, stop));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => RequestStop(signal, stop));

        var exit = await conductor.RunAsync(stop.Token);
        return exit is null ? ExitCodes.Success : ExitCodes.ComponentExited;
    }

    // One line, by top-level entry: an older version's home can hold thousands of loose files (the cluster's, logs).
    private static void ReportTightened(CliContext context, IReadOnlyList<string> tightened)
    {
        if (tightened.Count > 0)
        {
            var entries = tightened.Select(path => path.Split(Path.DirectorySeparatorChar)[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            context.Error.WriteLine(Text.Format(Strings.UpPermissionsTightened, tightened.Count, context.Home.Root, string.Join(", ", entries)));
        }
    }

    // The default would end the process at once and leave the children running: stop them first instead.
    private static void RequestStop(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }
}
