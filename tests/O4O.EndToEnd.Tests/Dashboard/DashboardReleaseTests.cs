using Microsoft.Playwright;
using O4O.EndToEnd.Tests.Browser;
using O4O.EndToEnd.Tests.Conductor;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Processes;

namespace O4O.EndToEnd.Tests.Dashboard;

/// <summary>The dashboard's release panel in Debian's Chromium against a real <c>o4o up</c> switching real releases.</summary>
public sealed class DashboardReleaseTests
{
    [Fact]
    public async Task The_release_panel_shows_the_current_and_previous_release_the_open_watch_window_and_then_the_automatic_rollback()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string> { ["O4O__Releases__WatchWindow"] = "00:10:00" });
        var first = BuildRelease.Copy(up, DateTimeOffset.UtcNow.AddMinutes(-1));
        var second = BuildRelease.Copy(up);
        using (var control = new Recovery.Control.ControlClient(up.Home, TimeSpan.FromMinutes(3)))
        {
            foreach (var release in new[] { first, second })
            {
                var switched = await control.SwitchPlatformAsync(release.Name, "test");
                Assert.True(switched.Switched, switched.Detail + up.Up.Output);
            }
        }

        var standby = Assert.Single(SwitchTests.PlatformsOf(first.Directory));
        await using var dashboard = await DashboardBrowser.SignInAsync(up);
        var (context, page) = (dashboard.Context, dashboard.Page);

        await Assertions.Expect(page.Locator("[data-testid=current-release]")).ToContainTextAsync($"{second.Name} · 0.0.0 · current since ");
        await Assertions.Expect(page.Locator("[data-testid=previous-release]")).ToHaveTextAsync($"{first.Name} · 0.0.0");
        await Assertions.Expect(page.Locator("[data-testid=watch-window]")).ToContainTextAsync($"{second.Name}: 10 min left; 5xx so far ");
        var events = page.Locator("[data-testid=release-events]");
        await Assertions.Expect(events).ToContainTextAsync($"{second.Name} serves");
        await Assertions.Expect(events).ToContainTextAsync("passed the gate");
        await page.Locator("#h-releases").ScrollIntoViewIfNeededAsync();
        await BrowserFixture.ScreenshotAsync(page, "dashboard-releases.png");

        // The release in its watch window crashes: the watch gives "go" to the drained standby, the supervisor leaves it serving.
        Assert.True(UnixProcess.Signal(up.PlatformPid, UnixProcess.SigKill));
        await Assertions.Expect(page.Locator("[data-testid=watch-window]")).ToContainTextAsync($"{second.Name} rolled back at ", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=watch-window]")).ToContainTextAsync("its platform killed by signal 9");
        await Assertions.Expect(page.Locator("[data-testid=current-release]")).ToContainTextAsync(first.Name);
        await Assertions.Expect(events).ToContainTextAsync("rolled back automatically");
        await Task.Delay(1500);
        Assert.Equal(standby, up.PlatformPid);
        Assert.True(UnixProcess.IsAlive(standby), "the standby the rollback went to was restarted");

        var korean = await context.NewPageAsync();
        await korean.GotoAsync("/?lang=ko");
        await Assertions.Expect(korean.GetByRole(AriaRole.Heading, new() { Name = "릴리스", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(korean.Locator("[data-testid=watch-window]")).ToContainTextAsync("롤백됨");
        await Assertions.Expect(korean.Locator("[data-testid=previous-release]")).ToHaveTextAsync("없음");
    }
}
