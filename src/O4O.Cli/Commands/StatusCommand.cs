using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Supervision;
using Spectre.Console;

namespace O4O.Cli.Commands;

/// <summary><c>o4o status</c>: probes each component directly and shows its state; exit code 0 only when all are healthy.</summary>
internal static class StatusCommand
{
    private static readonly TimeSpan _probeTimeout = TimeSpan.FromSeconds(3);

    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = Strings.StatusJsonOption };
        var command = new Command("status", Strings.StatusDescription);
        command.Options.Add(json);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var report = await ProbeAsync(context, cancellationToken);
            if (result.GetValue(json))
            {
                await context.Out.WriteLineAsync(report.ToJson());
            }
            else
            {
                Render(context, report);
            }

            return report.Healthy ? ExitCodes.Success : ExitCodes.Unhealthy;
        });
        return command;
    }

    /// <summary>Probes where the running conductor put things, else where the configuration says they are.</summary>
    public static async Task<StatusReport> ProbeAsync(CliContext context, CancellationToken cancellationToken)
    {
        var conductor = ConductorRecord.ReadRunning(context.Home);
        var database = DatabaseTarget.ForPlatform(context.Home, context.Bind<DatabaseOptions>(DatabaseOptions.Section), conductor?.Database.Port);
        var platformPort = conductor?.Platform.Port ?? context.Bind<PlatformOptions>(PlatformOptions.Section).Port;
        using var client = new HttpClient();
        var probes = await Task.WhenAll(
            MeasureWarmAsync(() => ComponentProbes.DatabaseAsync(database, _probeTimeout, cancellationToken)),
            MeasureWarmAsync(() => ComponentProbes.PlatformAsync(client, PlatformLaunch.BaseAddressFor(platformPort), _probeTimeout, cancellationToken)));
        return StatusReport.From(conductor, probes);
    }

    // This process's first connection pays for loading and compiling the client code (hundreds of milliseconds for
    // Npgsql): a component that answered is measured once more, so the time shown is the component's own.
    private static async Task<ComponentHealth> MeasureWarmAsync(Func<Task<ComponentHealth>> probe)
    {
        var first = await probe();
        return first.State == HealthState.Down ? first : await probe();
    }

    private static void Render(CliContext context, StatusReport report)
    {
        context.Error.WriteLine(report.Conductor.Running
            ? Resources.Text.Format(Strings.StatusConductorRunning, report.Conductor.Pid, report.Conductor.StartedAt)
            : Strings.StatusConductorNotRunning);
        var table = new Table()
            .AddColumns(Strings.StatusColumnComponent, Strings.StatusColumnState, Strings.StatusColumnAddress,
                Strings.StatusColumnResponseTime, Strings.StatusColumnPid, Strings.StatusColumnDetail);
        foreach (var component in report.Components)
        {
            table.AddRow(
                Markup.Escape(component.Name),
                StateMarkup(component.State),
                Markup.Escape(component.Address),
                component.ResponseTimeMs is { } milliseconds ? string.Format(CultureInfo.InvariantCulture, "{0:0.0} ms", milliseconds) : "-",
                component.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
                Markup.Escape(component.Error ?? ""));
        }

        // Colours only on a terminal: a redirected table is read by scripts and people with pagers.
        var terminal = context.Out == Console.Out && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal)
        {
            // No terminal width to respect: let rows stay whole rather than wrap at 80 columns.
            console.Profile.Width = 240;
        }

        console.Write(table);
    }

    private static string StateMarkup(HealthState state) => state switch
    {
        HealthState.Healthy => $"[green]{Strings.StateHealthy}[/]",
        HealthState.Degraded => $"[yellow]{Strings.StateDegraded}[/]",
        _ => $"[red]{Strings.StateDown}[/]",
    };
}
