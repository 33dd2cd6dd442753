using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using O4O.Cli.Resources;
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
        using var host = ConductorHost.Build(context);
        await BackupKeyCommand.WarnUnexportedAsync(context, host.Services.GetRequiredService<IConfiguration>()["Offsite:Endpoint"]);
        // Every section is bound and checked here, before anything starts: a bad value is one line naming its key.
        var settings = host.Services.GetRequiredService<ConductorSettings>();
        var assembly = host.Services.GetRequiredService<PlatformAssembly>().Path;
        var prerequisites = Prerequisites.Probe(settings.Database, settings.Nginx);
        var missing = Prerequisites.Missing(prerequisites, settings.Database.LocalMode, settings.Nginx.Enabled, settings.Archiving.Enabled);
        if (!await Prerequisites.EnsureAsync(prerequisites, missing, context.Error, Prerequisites.AptGetAsync, CancellationToken.None))
        {
            return ExitCodes.EnvironmentError;
        }

        AuditCommand.RecordFirstDeploy(context.Home, assembly);
        var conductor = host.Services.GetRequiredService<ConductorService>();
        await host.StartAsync();
        await host.WaitForShutdownAsync();
        conductor.Failure?.Throw();
        return conductor.Exit is null ? ExitCodes.Success : ExitCodes.ComponentExited;
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
}
