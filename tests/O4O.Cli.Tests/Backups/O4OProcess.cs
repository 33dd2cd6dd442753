using System.Diagnostics;
using Npgsql;
using O4O.Recovery.Processes;

namespace O4O.Cli.Tests.Backups;

/// <summary>Runs the real <c>o4o</c> as its own process (restore reads its settings from the environment) against one database.</summary>
internal static class O4OProcess
{
    public static async Task<CommandResult> RunAsync(string home, string database, params string[] arguments)
    {
        var builder = new NpgsqlConnectionStringBuilder(database);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "o4o.dll"), .. arguments]) { RedirectStandardInput = true };
        start.Environment["O4O_HOME"] = home;
        start.Environment["O4O__Database__ConnectionString"] = builder.ConnectionString;
        start.Environment["O4O__Database__Name"] = builder.Database;
        return await CommandRunner.RunAsync(start);
    }
}
