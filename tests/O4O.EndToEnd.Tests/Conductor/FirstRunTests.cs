using System.Globalization;
using System.Net;
using System.Text.Json;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.Processes;
using O4O.Recovery.Verification;
using O4O.Tests.Shared;
using ProcessStartInfo = System.Diagnostics.ProcessStartInfo;

namespace O4O.EndToEnd.Tests.Conductor;

/// <summary>
/// A new user's first run: <c>./o4o up</c> on a fresh home with nginx and a dashboard on non-default ports, then the
/// commands typed in another shell, which has none of the conductor's <c>O4O__*</c> variables.
/// </summary>
public sealed class FirstRunTests(FirstRunTests.FreshUp fresh) : IClassFixture<FirstRunTests.FreshUp>
{
    [Fact]
    public async Task Verify_passes_its_login_check_on_a_fresh_home_with_no_configuration()
    {
        var verify = await fresh.CliAsync("verify", "--json");

        using var report = JsonDocument.Parse(verify.StandardOutput);
        var login = report.RootElement.GetProperty("checks").EnumerateArray().Single(check => check.GetProperty("name").GetString() == "login");
        Assert.True(login.GetProperty("passed").GetBoolean(), $"{login}\n{verify.StandardError}");
        Assert.Contains(SmokeTestAccount.Email, login.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var password = SmokeTestAccount.PasswordFile(new(fresh.Up.Home));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(password));
    }

    [Fact]
    public async Task The_consoles_monitoring_page_leads_to_the_dashboard_port_the_conductor_was_given()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = fresh.Up.BaseAddress };
        await SignInToConsoleAsync(client);

        using var monitoring = await client.GetAsync(new Uri("/admin/monitoring", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, monitoring.StatusCode);
        Assert.Equal($"http://127.0.0.1:{fresh.Up.DashboardPort}/", monitoring.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Status_from_a_shell_without_the_conductors_environment_shows_its_nginx()
    {
        var status = await fresh.CliAsync("status", "--json");

        using var report = JsonDocument.Parse(status.StandardOutput);
        var nginx = report.RootElement.GetProperty("components").EnumerateArray().SingleOrDefault(c => c.GetProperty("name").GetString() == "nginx");
        Assert.True(nginx.ValueKind == JsonValueKind.Object, $"no nginx in status\n{status.StandardError}\n{status.StandardOutput}");
        Assert.Equal("healthy", nginx.GetProperty("state").GetString());
        Assert.Contains($":{fresh.NginxPort}", nginx.GetProperty("address").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_of_a_fresh_install_checks_the_launched_platform_and_lists_none_of_its_files_as_changed()
    {
        var audit = await fresh.CliAsync("audit", "--json");

        using var report = JsonDocument.Parse(audit.StandardOutput);
        Assert.Empty(report.RootElement.GetProperty("changedFiles").EnumerateArray());
        Assert.Empty(report.RootElement.GetProperty("checksumDifferences").EnumerateArray());
        Assert.Equal(Path.GetDirectoryName(fresh.PlatformAssembly), report.RootElement.GetProperty("platformDirectory").GetString());
    }

    // The console's sign-in form, with its antiforgery token, as a browser posts it.
    private static async Task SignInToConsoleAsync(HttpClient client)
    {
        var page = await client.GetStringAsync(new Uri("/admin/login", UriKind.Relative));
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        Assert.True(token.Success, "the sign-in page carries an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = O4OProcess.AdminEmail,
            ["password"] = O4OProcess.AdminPassword,
            ["returnUrl"] = "/admin",
            [token.Groups[1].Value] = token.Groups[2].Value,
        });
        using var signedIn = await client.PostAsync(new Uri("/admin/login", UriKind.Relative), form);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)signedIn.StatusCode}");
    }

    /// <summary><c>./o4o up</c> on a fresh home, nginx enabled on a free port, shared by the tests of one class.</summary>
    public sealed class FreshUp : IAsyncLifetime
    {
        public int NginxPort { get; } = FreePort.Next();

        internal O4OProcess Up { get; private set; } = null!;

        public string PlatformAssembly =>
            Path.Combine(O4OProcess.RepositoryRoot(), "artifacts", "bin", "O4O.Platform", "debug", "O4O.Platform.dll");

        public async Task InitializeAsync()
        {
            Up = O4OProcess.Up(new Dictionary<string, string>
            {
                ["O4O__Nginx__Enabled"] = "true",
                ["O4O__Nginx__Port"] = NginxPort.ToString(CultureInfo.InvariantCulture),
                ["O4O__Verify__LoadRequests"] = "20",
            });
            using var client = new HttpClient { BaseAddress = Up.BaseAddress };
            await Up.WaitForHealthAsync(client);
            await Up.WaitForOutputAsync($"Dashboard   http://127.0.0.1:{Up.DashboardPort}/", TimeSpan.FromSeconds(30));
        }

        /// <summary><c>./o4o ARGS</c> as a new user types it in another shell: only the home and the build are given.</summary>
        internal Task<CommandResult> CliAsync(params string[] args)
        {
            var start = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" \"$@\" < /dev/null", Path.Combine(O4OProcess.RepositoryRoot(), "o4o"), .. args])
            {
                WorkingDirectory = Up.Home,
            };
            foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("O4O", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }

            start.Environment["O4O_HOME"] = Up.Home;
            start.Environment["O4O_CONFIGURATION"] = "Debug";
            return CommandRunner.RunAsync(start);
        }

        public Task DisposeAsync()
        {
            Up.Dispose();
            return Task.CompletedTask;
        }
    }
}
