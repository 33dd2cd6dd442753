using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using O4O.EndToEnd.Tests.Conductor;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Browser;

/// <summary>
/// The platform as its own process, as the conductor runs it (the build's <c>O4O.Platform.dll</c>, a temporary
/// <c>$O4O_HOME</c>, a free port), against a database of the shared test cluster. Disposing kills it.
/// </summary>
internal sealed class PlatformProcess : IAsyncDisposable
{
    public const string AdminEmail = "admin@o4o.local";
    public const string AdminPassword = "Browser-admin-password-1";

    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private PlatformProcess(string connectionString)
    {
        Home = Directory.CreateTempSubdirectory("o4o-browser-").FullName;
        var assembly = Path.Combine(UpProcess.RepositoryRoot(), "artifacts", "bin", "O4O.Platform", BuildConfiguration(), "O4O.Platform.dll");
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Home,
        };
        start.Environment["O4O_HOME"] = Home;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["O4O__Platform__Port"] = Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["O4O__Database__ConnectionString"] = connectionString;
        start.Environment["O4O__Admin__Email"] = AdminEmail;
        start.Environment["O4O__Admin__Password"] = AdminPassword;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, line) => _output.Enqueue(line.Data ?? "");
        _process.ErrorDataReceived += (_, line) => _output.Enqueue(line.Data ?? "");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Home { get; }

    public int Port { get; } = FreePort.Next();

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public string Output => string.Join('\n', _output);

    public static async Task<PlatformProcess> StartAsync(string connectionString)
    {
        var platform = new PlatformProcess(connectionString);
        await platform.WaitUntilLiveAsync(TimeSpan.FromSeconds(60));
        return platform;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(Home, recursive: true);
    }

    private async Task WaitUntilLiveAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"the platform exited with {(_process.HasExited ? _process.ExitCode : 0)}\n{Output}");
            try
            {
                using var response = await client.GetAsync(new Uri("/api/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"the platform did not become ready within {timeout}\n{Output}");
    }

    // The tests and the platform are built together by one `dotnet build`, in the same configuration.
    private static string BuildConfiguration() => Path.GetFileName(AppContext.BaseDirectory.TrimEnd('/'));
}
