using System.CommandLine;
using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Health;
using O4O.Recovery.Resources;
using Spectre.Console;

namespace O4O.Cli.Commands;

/// <summary>
/// <c>o4o status</c>: the runbook's phase-1 assessment of every component; exit code 0 only when all serving
/// components are healthy. <c>--watch</c> refreshes it every 2 s until Ctrl+C.
/// </summary>
internal static class StatusCommand
{
    private static readonly TimeSpan _watchInterval = TimeSpan.FromSeconds(2);

    public static Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = Strings.StatusJsonOption };
        var watch = new Option<bool>("--watch") { Description = Strings.StatusWatchOption };
        var command = new Command("status", Strings.StatusDescription);
        command.Options.Add(json);
        command.Options.Add(watch);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            while (true)
            {
                var report = await StatusAssessment.AssessAsync(context, cancellationToken);
                if (result.GetValue(json))
                {
                    await context.Out.WriteLineAsync(report.ToJson());
                }
                else
                {
                    Render(context, report, clear: result.GetValue(watch));
                }

                if (!result.GetValue(watch))
                {
                    return report.Healthy ? ExitCodes.Success : ExitCodes.Unhealthy;
                }

                try
                {
                    await Task.Delay(_watchInterval, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return report.Healthy ? ExitCodes.Success : ExitCodes.Unhealthy;
                }
            }
        });
        return command;
    }

    private static void Render(CliContext context, StatusReport report, bool clear)
    {
        var console = CliConsole.Output(context);
        if (clear && CliConsole.OutIsTerminal(context))
        {
            console.Clear();
        }

        context.Error.WriteLine(report.Conductor.Running
            ? Resources.Text.Format(Strings.StatusConductorRunning, report.Conductor.Pid, report.Conductor.StartedAt)
            : Strings.StatusConductorNotRunning);
        if (report.Conductor.AutoRecovery is { } enabled)
        {
            context.Error.WriteLine(Resources.Text.Format(Strings.StatusAutoRecovery,
                enabled ? Strings.AutoRecoveryStateOn : Strings.AutoRecoveryStateOff, report.Conductor.AutoRecoveryChangedBy ?? "-"));
        }

        if (report.WalArchiving is { Enabled: false } off)
        {
            context.Error.WriteLine(off.Summary);
        }

        foreach (var job in report.Jobs.Where(job => job.LastErrorAt is not null))
        {
            context.Error.WriteLine(Resources.Text.Format(Strings.StatusJobRestarted, RecoveryText.Job(job.Name, CultureInfo.CurrentUICulture),
                job.LastErrorAt!.Value.ToLocalTime().ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture), job.Restarts, job.LastError ?? "-"));
        }

        var table = new Table()
            .AddColumns(Strings.StatusColumnComponent, Strings.StatusColumnState, Strings.StatusColumnSince, Strings.StatusColumnRestarts,
                Strings.StatusColumnAddress, Strings.StatusColumnResponseTime, Strings.StatusColumnPid, Strings.StatusColumnDetail);
        foreach (var component in report.Components)
        {
            table.AddRow(
                Markup.Escape(component.Name),
                StateMarkup(component.State),
                component.Since?.ToLocalTime().ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-",
                component.Restarts?.ToString(CultureInfo.InvariantCulture) ?? "-",
                Markup.Escape(component.Address),
                component.ResponseTimeMs is { } milliseconds ? string.Format(CultureInfo.InvariantCulture, "{0:0.0} ms", milliseconds) : "-",
                component.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
                Markup.Escape(Detail(component)));
        }

        console.Write(table);
        if (report.Patroni is { } patroni)
        {
            RenderPatroni(context, console, patroni);
        }
    }

    // Patroni's view of its members, under the components: who leads, who streams, and how far behind.
    private static void RenderPatroni(CliContext context, IAnsiConsole console, Recovery.Patroni.PatroniObservation patroni)
    {
        context.Error.WriteLine(patroni.Error is { } error
            ? Resources.Text.Format(Strings.StatusPatroniUnread, error)
            : Resources.Text.Format(Strings.StatusPatroniTitle, patroni.At.ToLocalTime().ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
        if (patroni.Members.Count == 0)
        {
            return;
        }

        var table = new Table().AddColumns(Strings.StatusColumnMember, Strings.StatusColumnRole, Strings.StatusColumnState,
            Strings.StatusColumnTimeline, Strings.StatusColumnLag, Strings.StatusColumnRest);
        foreach (var member in patroni.Members)
        {
            var healthy = member.Answering && member.State is "running" or "streaming";
            table.AddRow(
                Markup.Escape(member.Name),
                Markup.Escape(member.Role.Length > 0 ? member.Role : "-"),
                healthy ? $"[green]{Markup.Escape(member.State)}[/]" : $"[red]{Markup.Escape(member.State)}[/]",
                member.Timeline?.ToString(CultureInfo.InvariantCulture) ?? "-",
                member.LagBytes is { } lag ? Resources.Text.Format(Strings.StatusPatroniLagBytes, lag) : "-",
                member.Answering ? Strings.StatusPatroniAnswering : $"[red]{Strings.StatusPatroniNotAnswering}[/]");
        }

        console.Write(table);
    }

    // What is wrong first (failure type and evidence), then what the conductor saw last, then anything else.
    private static string Detail(ComponentStatus component)
    {
        var parts = new List<string>();
        if (component.FailureType is { } type)
        {
            parts.Add($"[{PeopleText.Failure(type)}]");
        }

        parts.AddRange(new[] { component.Error, component.Detail, component.Supervision is { } state and not Recovery.Supervision.ComponentState.Running ? PeopleText.State(state) : null }
            .OfType<string>());
        if (component.LastError is { } last && component.State == HealthState.Healthy)
        {
            parts.Add(Resources.Text.Format(Strings.StatusLastError, last));
        }

        return string.Join(' ', parts);
    }

    private static string StateMarkup(HealthState state) => state switch
    {
        HealthState.Healthy => $"[green]{Strings.StateHealthy}[/]",
        HealthState.Degraded => $"[yellow]{Strings.StateDegraded}[/]",
        _ => $"[red]{Strings.StateDown}[/]",
    };
}
