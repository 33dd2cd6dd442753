using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using O4O.Recovery.Processes;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Processes;

/// <summary>
/// An O4O program as a real process, as an operator or the conductor starts it: <c>./o4o up</c> (<see cref="Up"/>)
/// or the platform on its own (<see cref="StartPlatformAsync"/>), each with a temporary <c>$O4O_HOME</c> as its
/// working directory, free ports and the build the tests were made with. Disposing kills whatever is still running
/// and removes the home.
/// </summary>
internal sealed class O4OProcess : IDisposable
{
    public const string AdminEmail = "admin@o4o.local";
    public const string AdminPassword = "E2e-admin-password-1";

    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private O4OProcess(string fileName, string[] arguments, IReadOnlyDictionary<string, string> environment,
        Func<O4OProcess, Dictionary<string, string>> settings, Action<string>? prepareHome = null)
    {
        Environment = environment;
        Home = Directory.CreateTempSubdirectory("o4o-e2e-").FullName;
        // As root the cluster runs as the postgres user, who must be able to reach the data directory.
        File.SetUnixFileMode(Home, (UnixFileMode)0b111_101_101);
        prepareHome?.Invoke(Home);
        var start = new ProcessStartInfo(fileName, arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Home,
        };
        start.Environment["O4O_HOME"] = Home;
        start.Environment["O4O__Admin__Email"] = AdminEmail;
        start.Environment["O4O__Admin__Password"] = AdminPassword;
        // Every test client comes from 127.0.0.1: the sign-in limit per address would refuse a test that signs in a
        // handful of customers. Tests of the limit itself set it back.
        start.Environment["O4O__Auth__SignInPermitLimit"] = "1000";
        foreach (var (name, value) in settings(this).Concat(environment))
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, line) => _output.Enqueue(line.Data ?? "");
        _process.ErrorDataReceived += (_, line) => _output.Enqueue(line.Data ?? "");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Home { get; }

    /// <summary>The extra settings it was started with.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The managed cluster's port (<c>o4o up</c> only).</summary>
    public int DatabasePort { get; } = FreePort.Next();

    /// <summary>The first platform instance's port; the next one is free too, for <c>Platform:Instances=2</c>.</summary>
    public int PlatformPort { get; } = FreePort.Run(2);

    /// <summary>The conductor's dashboard port (<c>o4o up</c> only).</summary>
    public int DashboardPort { get; } = FreePort.Next();

    public Uri BaseAddress => new($"http://127.0.0.1:{PlatformPort}/");

    /// <summary>The process's id; for <c>o4o up</c> the conductor's own, as the script execs the CLI.</summary>
    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process (and, for <c>o4o up</c>, its children) printed so far, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts <c>./o4o up</c> with the Debug build that <c>./test</c> made; it is not waited for.</summary>
    /// <param name="environment">Extra settings, e.g. <c>O4O__Supervision__ProbeInterval</c>, for the conductor and its children.</param>
    /// <param name="prepareHome">Puts files in the home before the conductor starts, as an older version left them.</param>
    public static O4OProcess Up(IReadOnlyDictionary<string, string>? environment = null, Action<string>? prepareHome = null) =>
        new(Path.Combine(RepositoryRoot(), "o4o"), ["up"], environment ?? new Dictionary<string, string>(), up => new()
        {
            ["O4O_CONFIGURATION"] = "Debug",
            ["O4O__Database__Port"] = up.DatabasePort.ToString(CultureInfo.InvariantCulture),
            ["O4O__Platform__Port"] = up.PlatformPort.ToString(CultureInfo.InvariantCulture),
            ["O4O__Dashboard__Port"] = up.DashboardPort.ToString(CultureInfo.InvariantCulture),
        }, prepareHome);

    /// <summary>
    /// Starts the platform on its own, as the conductor runs it (the build's <c>O4O.Platform.dll</c>), against
    /// <paramref name="connectionString"/>, and waits until it is ready.
    /// </summary>
    public static async Task<O4OProcess> StartPlatformAsync(string connectionString)
    {
        // The tests and the platform are built together by one `dotnet build`, in the same configuration.
        var configuration = Path.GetFileName(AppContext.BaseDirectory.TrimEnd('/'));
        var assembly = Path.Combine(RepositoryRoot(), "artifacts", "bin", "O4O.Platform", configuration, "O4O.Platform.dll");
        var platform = new O4OProcess("dotnet", [assembly], new Dictionary<string, string>(), process => new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["O4O__Platform__Port"] = process.PlatformPort.ToString(CultureInfo.InvariantCulture),
            ["O4O__Database__ConnectionString"] = connectionString,
        });
        try
        {
            using var client = new HttpClient { BaseAddress = platform.BaseAddress };
            await platform.WaitForOkAsync(client, "/api/health/ready", TimeSpan.FromSeconds(60));
            return platform;
        }
        catch
        {
            platform.Dispose();
            throw;
        }
    }

    /// <summary>The process ids in <c>run/conductor.json</c>: conductor, postgres (0 when it is Patroni's, not the conductor's), platform.</summary>
    public int[] RecordedPids()
    {
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(Home, "run", "conductor.json")));
        var root = record.RootElement;
        var database = root.GetProperty("database").GetProperty("pid");
        return [root.GetProperty("conductorPid").GetInt32(),
            database.ValueKind == JsonValueKind.Null ? 0 : database.GetInt32(),
            root.GetProperty("platform").GetProperty("pid").GetInt32()];
    }

    /// <summary>
    /// Liveness first (the build, initdb and the platform's start come before it), then the full health check,
    /// which a started platform must pass soon after: its database is already up.
    /// </summary>
    public async Task WaitForHealthAsync(HttpClient client, TimeSpan? timeout = null)
    {
        await WaitForOkAsync(client, "/api/health/live", timeout ?? TimeSpan.FromMinutes(3));
        await WaitForOkAsync(client, "/api/health", TimeSpan.FromSeconds(30));
    }

    /// <summary>Polls <paramref name="path"/> until it answers 200; fails the test (with the output) when it does not in time.</summary>
    public async Task WaitForOkAsync(HttpClient client, string path, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        HttpStatusCode? last = null;
        while (!deadline.IsCancellationRequested)
        {
            Assert.False(HasExited, $"{_process.StartInfo.FileName} exited early with {(HasExited ? ExitCode : 0)}\n{Output}");
            try
            {
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative), deadline.Token);
                last = response.StatusCode;
                if (last == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
                // The client's own timeout: the connection waited in the conductor's listening queue for the platform's start.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                break;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        Assert.Fail($"{path} did not answer 200 within {timeout} (last: {last})\n{Output}");
    }

    /// <summary>Waits until the output holds <paramref name="text"/>; fails the test (with the output) when it does not in time.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the output did not say \"{text}\" within {timeout}\n{Output}");
            await Task.Delay(100);
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Processes whose command line mentions this test's home: none may outlive the conductor.</summary>
    public IReadOnlyList<string> ProcessesMentioningHome() =>
        Directory.EnumerateDirectories("/proc")
            .Where(directory => int.TryParse(Path.GetFileName(directory), out var pid) && pid != System.Environment.ProcessId)
            .Select(directory => ReadCommandLine(directory))
            .Where(commandLine => commandLine.Contains(Home, StringComparison.Ordinal))
            .ToList();

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        // The managed cluster's postmaster, and Patroni's members' (children of Patroni, but a killed Patroni leaves them).
        var patroni = Path.Combine(Home, "patroni");
        var members = Directory.Exists(patroni) ? Directory.GetDirectories(patroni).Select(member => Path.Combine(member, "data")) : [];
        foreach (var postmaster in members.Prepend(Path.Combine(Home, "pg")).Select(data => Path.Combine(data, "postmaster.pid")))
        {
            if (File.Exists(postmaster) && int.TryParse(File.ReadLines(postmaster).First(), out var pid))
            {
                UnixProcess.Signal(pid, UnixProcess.SigKill);
            }
        }

        _process.Dispose();
        Directory.Delete(Home, recursive: true);
    }

    private static string ReadCommandLine(string procDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDirectory, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "O4O.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No O4O.slnx above {AppContext.BaseDirectory}.");
    }
}
