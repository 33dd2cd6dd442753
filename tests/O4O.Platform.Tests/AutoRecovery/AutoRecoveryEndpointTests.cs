using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.Control;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.AutoRecovery;

public sealed class AutoRecoveryEndpointTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Theory]
    [InlineData("GET", "/api/v1/auto-recovery")]
    [InlineData("POST", "/api/v1/auto-recovery/enable")]
    [InlineData("POST", "/api/v1/auto-recovery/disable")]
    public async Task The_switch_without_a_token_is_401(string method, string path)
    {
        using var anonymous = Platform.CreateClient();
        using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_customer_may_not_switch_AutoRecovery_off()
    {
        await using var conductor = await StartConductorAsync();
        using var customer = await Platform.CreateClientAsync("customer");

        using var response = await customer.PostAsync("/api/v1/auto-recovery/disable", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True((await conductor.Settings.GetAsync(Settings.AutoRecovery, "on")).Value == "on");
    }

    [Fact]
    public async Task An_admin_switches_it_off_and_on_and_the_conductor_records_the_admins_email()
    {
        await using var conductor = await StartConductorAsync();
        using var admin = await Platform.CreateClientAsync("admin");

        using var off = await admin.PostAsync("/api/v1/auto-recovery/disable", null);
        var stored = await conductor.Settings.GetAsync(Settings.AutoRecovery, "on");
        using var read = await admin.GetAsync("/api/v1/auto-recovery");
        var shown = await read.Content.ReadFromJsonAsync<JsonElement>();
        using var on = await admin.PostAsync("/api/v1/auto-recovery/enable", null);

        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.Equal(("off", PlatformFactory.AdminEmail), (stored.Value, stored.ChangedBy));
        Assert.False(shown.GetProperty("enabled").GetBoolean());
        Assert.Equal(PlatformFactory.AdminEmail, shown.GetProperty("changedBy").GetString());
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.Equal("on", (await conductor.Settings.GetAsync(Settings.AutoRecovery, "off")).Value);
        var events = await conductor.Events.RecentAsync(10);
        Assert.Equal(["AutoRecovery switched off", "AutoRecovery switched on"], events.Select(e => e.Seen));
        Assert.All(events, e => Assert.Equal(PlatformFactory.AdminEmail, e.Actor));
    }

    [Fact]
    public async Task Without_a_conductor_the_switch_answers_503_problem_details()
    {
        using var admin = await Platform.CreateClientAsync("admin");

        using var response = await admin.PostAsync("/api/v1/auto-recovery/enable", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("o4o up", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    /// <summary>The conductor's control API on the platform's home, without children to supervise.</summary>
    private async Task<StandInConductor> StartConductorAsync()
    {
        var home = new O4OHome(Platform.Home);
        var settings = new Settings(home.StateDatabase);
        var events = new EventLog(home.StateDatabase);
        var gate = await RecoveryGate.LoadAsync(settings, events, TimeProvider.System, CancellationToken.None);
        var server = await ControlServer.StartAsync(home, new ConductorState(Environment.ProcessId, DateTimeOffset.UtcNow, [], gate, events,
            new IncidentBoard(new O4O.Recovery.Incidents.IncidentStore(home.StateDatabase), new O4O.Recovery.Configuration.EscalationOptions(), TimeProvider.System)), NullLoggerFactory.Instance, CancellationToken.None);
        return new StandInConductor(server, settings, events);
    }

    private sealed record StandInConductor(ControlServer Server, Settings Settings, EventLog Events) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
