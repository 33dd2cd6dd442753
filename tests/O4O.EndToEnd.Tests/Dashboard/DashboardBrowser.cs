using Microsoft.Playwright;
using O4O.EndToEnd.Tests.Browser;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Dashboard;

namespace O4O.EndToEnd.Tests.Dashboard;

/// <summary>Debian's Chromium on a conductor's dashboard, signed in with the operator token (1280×1000, UTC).</summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Context = context;
        Page = page;
    }

    /// <summary>The signed-in context, for more pages (another language).</summary>
    public IBrowserContext Context { get; }

    /// <summary>The dashboard's page, signed in.</summary>
    public IPage Page { get; }

    public static async Task<DashboardBrowser> SignInAsync(SupervisedUp up)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = BrowserFixture.ChromiumArgs,
        });
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = $"http://127.0.0.1:{up.Up.DashboardPort}/",
            ViewportSize = new() { Width = 1280, Height = 1000 },
            TimezoneId = "UTC",
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Token").FillAsync(OperatorToken.LoadOrCreate(up.Home));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        return new DashboardBrowser(playwright, browser, context, page);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
