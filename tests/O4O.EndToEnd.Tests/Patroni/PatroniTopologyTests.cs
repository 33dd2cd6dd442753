using System.Text.Json;
using Microsoft.Playwright;
using O4O.EndToEnd.Tests.Browser;
using O4O.EndToEnd.Tests.Dashboard;

namespace O4O.EndToEnd.Tests.Patroni;

/// <summary>The conductor's reading of Patroni's REST API as <c>o4o status</c> and the dashboard show it, on a real cluster.</summary>
public sealed class PatroniTopologyTests
{
    [Fact]
    public async Task Status_and_the_dashboard_show_each_member_with_its_role_state_timeline_and_lag()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1);
        await patroni.WaitForTopologyAsync(
            topology => topology.Leader is not null && topology.Members.Any(member => member.Role == "sync_standby" && member.Lag == 0), TimeSpan.FromSeconds(60));

        // Status reads the lag again: WAL the leader writes after the wait above shows as lag (232 bytes in one CI run) until
        // the standby replays it, so the wait is for a status that shows the standby caught up.
        var members = await WaitForStatusMembersAsync(patroni.Up, members => members.Any(member =>
            member.GetProperty("role").GetString() == "sync_standby"
            && member.GetProperty("lagBytes") is { ValueKind: JsonValueKind.Number } lag && lag.GetInt64() == 0));

        Assert.Equal(["pg0", "pg1"], members.Select(member => member.GetProperty("name").GetString()));
        var leader = Assert.Single(members, member => member.GetProperty("role").GetString() == "leader");
        var standby = Assert.Single(members, member => member.GetProperty("role").GetString() == "sync_standby");
        Assert.Equal("running", leader.GetProperty("state").GetString());
        Assert.Contains(standby.GetProperty("state").GetString(), new[] { "running", "streaming" });
        Assert.Equal(1, leader.GetProperty("timeline").GetInt64());
        Assert.Equal(0, standby.GetProperty("lagBytes").GetInt64());
        Assert.All(members, member => Assert.True(member.GetProperty("answering").GetBoolean()));
        var table = await patroni.Up.CliAsync("status");
        Assert.Contains("Patroni members (read at", table.StandardError);
        Assert.Contains("sync_standby", table.StandardOutput);

        await using var dashboard = await DashboardBrowser.SignInAsync(patroni.Up);
        var panel = dashboard.Page.Locator("[data-testid=patroni-members]");
        await Assertions.Expect(panel.Locator($"tr[data-member={leader.GetProperty("name").GetString()}]")).ToHaveAttributeAsync("data-role", "leader");
        await Assertions.Expect(panel.Locator($"tr[data-member={standby.GetProperty("name").GetString()}]"))
            .ToContainTextAsync("synchronous standby");
        await Assertions.Expect(panel.Locator($"tr[data-member={standby.GetProperty("name").GetString()}]")).ToContainTextAsync("0 bytes");
        await dashboard.Page.Locator("#patroni-section").ScrollIntoViewIfNeededAsync();
        await BrowserFixture.ScreenshotAsync(dashboard.Page, "dashboard-patroni.png");
        var korean = await dashboard.Context.NewPageAsync();
        await korean.GotoAsync("/?lang=ko");
        await Assertions.Expect(korean.Locator("#patroni-section")).ToContainTextAsync("데이터베이스 클러스터 (Patroni)");
        await Assertions.Expect(korean.Locator("[data-testid=patroni-members]")).ToContainTextAsync("동기 대기 서버");
    }

    /// <summary>The members in <c>o4o status --json</c>, once <paramref name="condition"/> holds on them.</summary>
    internal static async Task<IReadOnlyList<JsonElement>> WaitForStatusMembersAsync(Supervision.SupervisedUp up, Func<IReadOnlyList<JsonElement>, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await up.CliAsync("status", "--json");
            var json = JsonDocument.Parse(status.StandardOutput).RootElement;
            if (json.GetProperty("patroni") is { ValueKind: JsonValueKind.Object } cluster
                && cluster.GetProperty("members").EnumerateArray().ToList() is { Count: > 0 } members && condition(members))
            {
                return members;
            }

            Assert.True(DateTime.UtcNow < deadline, $"o4o status --json did not show the members in time: {status.StandardOutput}");
            await Task.Delay(500);
        }
    }
}
