using Npgsql;
using O4O.Cli.Commands;
using O4O.Recovery.Configuration;

namespace O4O.Cli.Tests.Commands;

/// <summary>Runs <c>o4o</c> in-process against a temporary home with the given settings, capturing stdout and stderr; it never answers a question.</summary>
internal sealed class CliRun : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("o4o-cli-test-").FullName;

    public CliRun(string? home = null)
    {
        // As root the cluster runs as the postgres user, who must be able to reach the data directory.
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        Home = new O4OHome(home ?? Path.Combine(_root, "home"));
    }

    public O4OHome Home { get; }

    public Dictionary<string, string?> Settings { get; } = [];

    public string Root => _root;

    /// <summary>The clock the commands read; a test sets a fake one to see ages and durations move.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Points the commands at <paramref name="connectionString"/>'s server and database, as O4O__Database__* would.</summary>
    public CliRun UseDatabase(string connectionString)
    {
        Settings["Database:ConnectionString"] = connectionString;
        Settings["Database:Name"] = new NpgsqlConnectionStringBuilder(connectionString).Database;
        return this;
    }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await O4OCommandLine.InvokeAsync(args, new CliContext(Home, Settings, output, error) { Time = Time, CanAsk = false });
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
