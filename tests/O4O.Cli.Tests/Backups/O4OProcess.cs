using System.Diagnostics;
using Npgsql;
using O4O.Recovery.Processes;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Backups;

/// <summary>Runs the real <c>o4o</c> as its own process against one database, for what needs a terminal of its own; other tests run it in-process (<see cref="Commands.CliRun"/>).</summary>
internal static class O4OProcess
{
    /// <summary>
    /// Runs <c>o4o</c> on a pseudo-terminal (util-linux <c>script</c>), as a person at a terminal would, typing
    /// <paramref name="typed"/>. The terminal's output (stdout and stderr together) is the result's standard output.
    /// </summary>
    public static Task<CommandResult> RunAtTerminalAsync(string home, string database, string typed, params string[] arguments) =>
        RunAsync(Terminal.Typing(typed, ["dotnet", Path.Combine(AppContext.BaseDirectory, "o4o.dll"), .. arguments]), home, database);

    private static async Task<CommandResult> RunAsync(ProcessStartInfo start, string home, string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(database);
        start.Environment["O4O_HOME"] = home;
        start.Environment["O4O__Database__ConnectionString"] = builder.ConnectionString;
        start.Environment["O4O__Database__Name"] = builder.Database;
        return await CommandRunner.RunAsync(start);
    }
}
