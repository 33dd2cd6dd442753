using System.Diagnostics;
using System.Globalization;
using O4O.Recovery.Health;

namespace O4O.Cli.Commands;

/// <summary>
/// How <c>o4o psql</c> starts psql: the connection goes in libpq's environment variables (the password in
/// PGPASSWORD, never on the command line where <c>ps</c> shows it), the caller's arguments pass through verbatim,
/// so <c>-d NAME</c>, <c>-U</c> or <c>-c SQL</c> override or add to it exactly as they do for psql itself.
/// </summary>
internal static class PsqlInvocation
{
    // Variables that would send libpq somewhere other than the platform's server.
    private static readonly string[] _redirecting = ["PGHOSTADDR", "PGSERVICE", "PGSERVICEFILE", "PGPASSFILE"];

    public static ProcessStartInfo Build(string psql, DatabaseTarget target, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(psql) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in _redirecting)
        {
            start.Environment.Remove(name);
        }

        start.Environment["PGHOST"] = target.Host;
        start.Environment["PGPORT"] = target.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = target.Username;
        start.Environment["PGDATABASE"] = target.Database;
        start.Environment["PGAPPNAME"] = "o4o psql";
        if (target.Password is not null)
        {
            start.Environment["PGPASSWORD"] = target.Password;
        }
        else
        {
            start.Environment.Remove("PGPASSWORD");
        }

        return start;
    }
}
