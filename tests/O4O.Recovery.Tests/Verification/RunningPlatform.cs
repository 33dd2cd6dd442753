using System.Diagnostics;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Verification;

/// <summary>
/// The real platform (the Debug build of O4O.Platform beside this test project's output) as a child process on a free
/// port, against a database of the test cluster, with a known admin account. A missing build fails the test.
/// </summary>
internal sealed class RunningPlatform : IAsyncDisposable
{
    public const string AdminEmail = "verify@o4o.local";
    public const string AdminPassword = "Verify-smoke-password-1";

    private readonly Process _process;
    private readonly string _home;

    private RunningPlatform(Process process, string home, Uri baseAddress)
    {
        _process = process;
        _home = home;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<RunningPlatform> StartAsync(string connectionString)
    {
        var assembly = PlatformLaunch.ResolveAssembly(null, AppContext.BaseDirectory);
        Assert.True(File.Exists(assembly), $"The platform is not built at {assembly}: run `dotnet build src/O4O.Platform` (./test does) first.");
        var home = Directory.CreateTempSubdirectory("o4o-verify-").FullName;
        var launch = new PlatformLaunch(assembly, FreePort.Next(), new O4OHome(home), connectionString);
        var start = launch.StartInfo();
        start.Environment["O4O__Admin__Email"] = AdminEmail;
        start.Environment["O4O__Admin__Password"] = AdminPassword;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var platform = new RunningPlatform(process, home, launch.BaseAddress);
        await platform.WaitUntilHealthyAsync();
        return platform;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "api/health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail(_process.HasExited ? $"The platform exited with code {_process.ExitCode}." : "The platform did not become healthy within 60 s.");
    }
}
