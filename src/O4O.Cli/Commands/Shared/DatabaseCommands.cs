using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Postgres;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>What <c>o4o psql</c> and <c>o4o db url</c> share: the platform's database and the client programs.</summary>
internal static class DatabaseCommands
{
    /// <summary>
    /// The platform's database: the external server when configured, else the managed cluster as its superuser
    /// (on the running conductor's port when one runs).
    /// </summary>
    public static DatabaseTarget Target(CliContext context) =>
        DatabaseTarget.ForPlatform(context.Home, context.Bind<DatabaseOptions>(DatabaseOptions.Section),
            ConductorRecord.ReadRunning(context.Home)?.Database.Port);

    /// <summary>The managed cluster's <c>psql</c> (same version as the server) when installed, else <c>psql</c> on PATH.</summary>
    public static string Psql(CliContext context)
    {
        try
        {
            var located = PostgresBinaries.Locate(context.Bind<DatabaseOptions>(DatabaseOptions.Section).BinDirectory).Tool("psql");
            return File.Exists(located) ? located : "psql";
        }
        catch (PostgresNotInstalledException)
        {
            // A client-only machine using an external server has psql without the server programs.
            return "psql";
        }
    }
}
