using System.CommandLine;
using O4O.Cli.Resources;
using O4O.Recovery.Incidents;

namespace O4O.Cli.Commands;

/// <summary><c>o4o incident open|list|show|note|edit|ack|resolve|report|evidence</c>: incidents in <c>$O4O_HOME/state.db</c>.</summary>
internal static class IncidentCommand
{
    public static Command Create(CliContext context)
    {
        var incident = new Command("incident", Strings.IncidentDescription);
        incident.Subcommands.Add(IncidentOpenCommand.Create(context));
        incident.Subcommands.Add(IncidentListCommand.Create(context));
        incident.Subcommands.Add(IncidentShowCommand.Create(context));
        incident.Subcommands.Add(IncidentNoteCommand.Create(context));
        incident.Subcommands.Add(IncidentEditCommand.Create(context));
        incident.Subcommands.Add(IncidentAckCommand.Create(context));
        incident.Subcommands.Add(IncidentResolveCommand.Create(context));
        incident.Subcommands.Add(IncidentReportCommand.Create(context));
        incident.Subcommands.Add(IncidentEvidenceCommand.Create(context));
        return incident;
    }

    public static IncidentStore Store(CliContext context) => new(context.Home.StateDatabase);

    public static Argument<long> IdArgument() => new("N") { Description = Strings.IncidentIdArgument };

    /// <summary>Runs <paramref name="action"/>; an unknown incident number is one line and exit code 1.</summary>
    public static async Task<int> RunAsync(CliContext context, Func<IncidentStore, Task<int>> action)
    {
        try
        {
            return await action(Store(context));
        }
        catch (IncidentNotFoundException missing)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.ErrorLine, Text.Format(Strings.IncidentNotFound, missing.Id)));
            return ExitCodes.Failure;
        }
    }

    /// <summary>The person at the keyboard, for the record.</summary>
    public static string CurrentUser() => Environment.UserName;
}
