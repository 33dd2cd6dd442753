using System.Diagnostics;
using System.Text;
using O4O.Recovery.Backups;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Restore;

/// <summary>
/// psql running SQL from a dump as written, stopping at the first error. It is started — and connects — before its
/// SQL is ready, so a step that ends a restore does not also wait for a process to start and log in.
/// </summary>
internal sealed class Psql : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _errors;

    private Psql(Process process, CancellationToken cancellationToken)
    {
        _process = process;
        _output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        _errors = process.StandardError.ReadToEndAsync(cancellationToken);
    }

    /// <summary>Starts psql on <paramref name="database"/>; it connects and waits for <see cref="RunAsync(string, CancellationToken)"/>.</summary>
    public static Psql Start(ResolvedDatabaseServer server, string database, CancellationToken cancellationToken)
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

        start.Environment["PGOPTIONS"] = $"{Environment.GetEnvironmentVariable("PGOPTIONS")} {RestoreDatabases.LoadOptions}".TrimStart();

        return new Psql(Process.Start(start) ?? throw new RestoreFailedException("psql could not be started."), cancellationToken);
    }

    /// <summary>Runs <paramref name="sql"/> in <paramref name="database"/> through a psql of its own.</summary>
    /// <exception cref="RestoreFailedException">A statement failed (psql's last error line says which).</exception>
    public static async Task RunAsync(ResolvedDatabaseServer server, string database, string sql, CancellationToken cancellationToken)
    {
        await using var psql = Start(server, database, cancellationToken);
        await psql.RunAsync(sql, cancellationToken);
    }

    /// <summary>Runs <paramref name="sql"/> and ends this psql.</summary>
    /// <exception cref="RestoreFailedException">A statement failed (psql's last error line says which).</exception>
    public async Task RunAsync(string sql, CancellationToken cancellationToken)
    {
        try
        {
            await _process.StandardInput.WriteAsync(sql.AsMemory(), cancellationToken);
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // psql stopped reading because it hit an error (or could not connect): its exit code and stderr say which.
        }

        await _process.WaitForExitAsync(cancellationToken);
        if (_process.ExitCode != 0)
        {
            var result = new CommandResult(_process.ExitCode, await _output, await _errors);
            throw new RestoreFailedException($"Loading the dump failed: {result.LastErrorLine}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }
}
