using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Dashboard;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Dashboard;

/// <summary>
/// The conductor's <c>/metrics</c> on a real <c>o4o up</c>'s dashboard port, scraped and parsed with Prometheus' own
/// tools; the dashboard listens on every interface here, so a caller at the machine's own non-loopback address is refused.
/// </summary>
public sealed class ConductorMetricsTests
{
    [Fact]
    public async Task A_local_scrape_shows_the_platform_running_an_open_incident_by_level_the_new_backup_verified_and_the_WAL_lag()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string> { ["O4O__Dashboard__Address"] = "0.0.0.0" });
        using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{up.Up.DashboardPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        await up.Up.WaitForOkAsync(local, DashboardServer.MetricsPath, TimeSpan.FromSeconds(30));
        Assert.Equal(0, (await up.CliAsync("incident", "open", "Checkout is slow")).ExitCode);
        var backup = await up.CliAsync("backup", "create");
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        var unverified = await PrometheusText.ParseAsync(await local.GetStringAsync(DashboardServer.MetricsPath));
        Assert.Equal(1, unverified.Sum("o4o_backup_verification", ("result", "unverified")));
        var verify = await up.CliAsync("backup", "verify");
        Assert.True(verify.ExitCode == 0, verify.StandardError);

        // The WAL card reads pg_stat_archiver: the first scrapes may come before the archiver has anything to say.
        IReadOnlyList<PrometheusSample> samples;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            samples = await PrometheusText.ParseAsync(await local.GetStringAsync(DashboardServer.MetricsPath));
        }
        while (!samples.Any(s => s.Name == "o4o_wal_archive_lag_seconds") && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal(1, samples.Sum("o4o_component_state", ("component", "platform"), ("state", "Running")));
        Assert.Equal(0, samples.Sum("o4o_component_state", ("component", "platform"), ("state", "Down")));
        Assert.Equal(1, samples.Sum("o4o_component_state", ("component", "database"), ("state", "Running")));
        Assert.Contains(samples, s => s.Name == "o4o_component_restarts_total" && s.Label("component") == "platform" && s.Value == 0);
        Assert.Equal(1, samples.Sum("o4o_incidents_open", ("level", "L1")));
        var age = samples.Sum("o4o_backup_age_seconds", ("kind", "logical"));
        Assert.InRange(age, 0, 300);
        Assert.Equal(1, samples.Sum("o4o_backup_verification", ("result", "passed")));
        Assert.Equal(0, samples.Sum("o4o_backup_verification", ("result", "failed")) + samples.Sum("o4o_backup_verification", ("result", "unverified")));
        Assert.InRange(samples.Single(s => s.Name == "o4o_wal_archive_lag_seconds").Value, 0, 3600);
        Assert.Equal(0, samples.Sum("o4o_wal_archive_failures_total"));

        using var remote = new HttpClient { BaseAddress = new Uri($"http://{NonLoopbackAddress()}:{up.Up.DashboardPort}/") };
        using var refused = await remote.GetAsync(DashboardServer.MetricsPath);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("o4o_component_state", await refused.Content.ReadAsStringAsync());
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(500);
        return true;
    }

    /// <summary>This machine's own IPv4 address on a network interface other than loopback: a connection to it is not from loopback.</summary>
    private static string NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .First(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
            .ToString();
}
