using System.Net;
using System.Net.Http.Json;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.Processes;

namespace O4O.EndToEnd.Tests.Conductor;

public sealed class UpTests
{
    [Fact]
    public async Task Up_serves_the_platform_names_the_dashboard_and_SIGTERM_stops_everything_within_seconds()
    {
        using var up = O4OProcess.Up();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = up.BaseAddress };

        await up.WaitForHealthAsync(client);
        var pids = up.RecordedPids();
        Assert.Equal(up.Pid, pids[0]);

        using var login = await client.PostAsJsonAsync("api/v1/auth/login", new { email = O4OProcess.AdminEmail, password = O4OProcess.AdminPassword });
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"login answered {(int)login.StatusCode}\n{up.Output}");
        using var storefront = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, storefront.StatusCode);
        using var admin = await client.GetAsync(new Uri("/admin", UriKind.Relative));
        Assert.True(admin.StatusCode == HttpStatusCode.OK
            || (IsRedirect(admin.StatusCode) && admin.Headers.Location!.OriginalString.Contains("/admin/login", StringComparison.Ordinal)),
            $"/admin answered {(int)admin.StatusCode} {admin.Headers.Location}");

        // The platform answers before the conductor has started its dashboard; the banner names it once it listens.
        await up.WaitForOutputAsync($"Dashboard   http://127.0.0.1:{up.DashboardPort}/   (o4o token prints the operator token", TimeSpan.FromSeconds(30));
        // Nothing configures a notification channel: the default matrix's pages to "ops" would reach nobody.
        await up.WaitForOutputAsync("WARNING: no notification channel is configured, so incidents are recorded but page nobody. Add the channel the escalation matrix pages, ops:",
            TimeSpan.FromSeconds(5));

        UnixProcess.Signal(up.Pid, UnixProcess.SigTerm);

        Assert.True(await up.WaitForExitAsync(TimeSpan.FromSeconds(15)), $"the conductor did not stop within 15 s\n{up.Output}");
        Assert.Equal(0, up.ExitCode);
        Assert.All(pids, pid => Assert.False(UnixProcess.IsAlive(pid), $"process {pid} outlived the conductor"));
        Assert.Empty(up.ProcessesMentioningHome());
        Assert.False(File.Exists(Path.Combine(up.Home, "run", "conductor.json")));
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;
}
