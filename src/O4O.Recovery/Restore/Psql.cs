using System.Diagnostics;
using System.Text;
using O4O.Recovery.Backups;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Restore;

/// <summary>Runs SQL text through <c>psql</c>, exactly as the runbook's manual restore would.</summary>
internal static class Psql
{
    /// <summary>Feeds <paramref name="sql"/> to psql on <paramref name="database"/>; stops at the first error.</summary>
    /// <exception cref="RestoreFailedException">psql reported an error.</exception>
    public static async Task RunAsync(ResolvedDatabaseServer server, string database, string sql, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(server.Binaries.Tool("psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--no-password"])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var (name, value) in server.ToolEnvironment(database))
        {
            start.Environment[name] = value;
        }

        using var psql = Process.Start(start) ?? throw new RestoreFailedException("psql could not be started.");
        var output = psql.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = psql.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            try
            {
                await psql.StandardInput.WriteAsync(sql.AsMemory(), cancellationToken);
                psql.StandardInput.Close();
            }
            catch (IOException)
            {
                // psql stopped reading because it hit an error: its exit code and stderr say which.
            }

            await psql.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            if (!psql.HasExited)
            {
                psql.Kill(entireProcessTree: true);
            }
        }

        if (psql.ExitCode != 0)
        {
            var result = new CommandResult(psql.ExitCode, await output, await errors);
            throw new RestoreFailedException($"Loading the dump failed: {result.LastErrorLine}");
        }
    }
}
