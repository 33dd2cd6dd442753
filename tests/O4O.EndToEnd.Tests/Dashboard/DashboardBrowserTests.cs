using Microsoft.Playwright;
using O4O.EndToEnd.Tests.Browser;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Dashboard;
using O4O.Recovery.Processes;

namespace O4O.EndToEnd.Tests.Dashboard;

/// <summary>The dashboard in Debian's Chromium against a real <c>o4o up</c>, as the on-call engineer uses it.</summary>
public sealed class DashboardBrowserTests
{
    private static readonly string[] _components = ["api", "admin", "site", "database", "conductor", "backups"];

    [Fact]
    public async Task The_on_call_engineer_signs_in_backs_up_and_watches_a_killed_platform_go_red_and_green_without_a_reload()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string> { ["O4O__Dashboard__SampleEvery"] = "00:00:00.5" });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = BrowserFixture.ChromiumArgs,
        });
        var address = new Uri($"http://127.0.0.1:{up.Up.DashboardPort}/");
        using (var probe = new HttpClient { BaseAddress = address })
        {
            await up.Up.WaitForOkAsync(probe, "/", TimeSpan.FromSeconds(15));
        }

        var context = await browser.NewContextAsync(new()
        {
            BaseURL = address.ToString(),
            ViewportSize = new() { Width = 1280, Height = 1300 },
            TimezoneId = "UTC",
        });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("[data-component]")).ToHaveCountAsync(0);
        await page.GetByLabel("Token").FillAsync(OperatorToken.LoadOrCreate(up.Home));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Signed in as")).ToBeVisibleAsync();

        await page.Locator("[data-action=backup]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-archive]")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        // The conductor takes a full physical backup as soon as archiving is checked: the card shows it and the recovery window.
        await Assertions.Expect(page.Locator("[data-testid=newest-physical]")).ToContainTextAsync("F · full · ", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=recovery-window]")).ToContainTextAsync("can restore to any moment since ");
        await Assertions.Expect(page.Locator("[data-testid=free-space]")).ToContainTextAsync(" free; the next backup needs ");
        foreach (var component in _components)
        {
            await Assertions.Expect(page.Locator($"[data-component={component}]")).ToHaveAttributeAsync("data-status", "ok", new() { Timeout = 10_000 });
        }

        await BrowserFixture.ScreenshotAsync(page, "dashboard.png");
        await page.EvaluateAsync("() => window.sameDocument = true");

        await page.Locator("[data-action=auto-recovery]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=auto-recovery-state]")).ToHaveTextAsync("Off");
        Assert.True(UnixProcess.Signal(up.PlatformPid, UnixProcess.SigKill));
        await Assertions.Expect(page.Locator("[data-component=api]")).ToHaveAttributeAsync("data-status", "down", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-incident]")).ToHaveCountAsync(1);
        await page.Locator("[data-action=ack]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=acknowledged-by]")).ToHaveTextAsync("operator");
        await page.GetByLabel("Note").FillAsync("Platform killed on purpose by the browser test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
        await page.Locator("[data-incident] summary").ClickAsync();
        await Assertions.Expect(page.Locator(".timeline")).ToContainTextAsync("killed on purpose");
        await BrowserFixture.ScreenshotAsync(page, "dashboard-incident.png");
        var koreanIncident = await context.NewPageAsync();
        await koreanIncident.GotoAsync("/?lang=ko");
        await Assertions.Expect(koreanIncident.Locator("[data-incident] h3")).ToContainTextAsync("장애 #1: platform에서 서버 다운 감지: platform killed by signal 9");
        await koreanIncident.Locator("[data-incident] summary").ClickAsync();
        await Assertions.Expect(koreanIncident.Locator(".timeline")).ToContainTextAsync("첫 알림 수신 platform에서 서버 다운 감지");
        await BrowserFixture.ScreenshotAsync(koreanIncident, "dashboard-incident-ko.png");
        await koreanIncident.CloseAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download report" }).ClickAsync());
        var report = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("platform killed by signal 9 (SIGKILL)", report, StringComparison.Ordinal);
        Assert.Contains("Platform killed on purpose by the browser test", report, StringComparison.Ordinal);

        await page.Locator("[data-action=auto-recovery]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=auto-recovery-state]")).ToHaveTextAsync("On");
        await Assertions.Expect(page.Locator("[data-component=api]")).ToHaveAttributeAsync("data-status", "ok", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=no-incidents]")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded");

        var korean = await context.NewPageAsync();
        await korean.SetViewportSizeAsync(390, 844);
        await korean.GotoAsync("/?lang=ko");
        await Assertions.Expect(korean.GetByRole(AriaRole.Heading, new() { Name = "구성 요소" })).ToBeVisibleAsync();
        await Assertions.Expect(korean.Locator("[data-component=api]")).ToContainTextAsync("정상");
        await Assertions.Expect(korean.Locator("[data-testid=free-space]")).ToContainTextAsync("다음 백업에 필요한 공간");
        Assert.False(await ConsolePages.ScrollsSidewaysAsync(korean), "the dashboard scrolls sideways at phone width");
        await BrowserFixture.ScreenshotAsync(korean, "dashboard-ko.png");
    }
}
