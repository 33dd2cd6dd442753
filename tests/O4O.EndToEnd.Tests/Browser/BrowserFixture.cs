using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.IO;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright against a running platform with a few customers and orders, shared by
/// the browser tests. Playwright's own browser downloads are never used: CI installs the <c>chromium</c> package.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    internal static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly ManagedPostgresFixture _postgres = new();
    private IPlaywright _playwright = null!;
    private O4OProcess _platform = null!;

    public IBrowser Browser { get; private set; } = null!;

    internal O4OProcess Platform => _platform;

    public static string ScreenshotDirectory => Path.Combine(O4OProcess.RepositoryRoot(), "docs", "screenshots");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install -y chromium fonts-nanum");
        await _postgres.InitializeAsync();
        _platform = await O4OProcess.StartPlatformAsync(await _postgres.CreateDatabaseAsync("browser"));
        await SeedOrdersAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
    }

    /// <summary>A page of its own (own cookies), at desktop size unless told otherwise, in English unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800, string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = _platform.BaseAddress.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            Locale = locale,
            TimezoneId = "UTC",
        });
        return await context.NewPageAsync();
    }

    /// <summary>Saves what the page shows under <c>docs/screenshots/</c>, for the README.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new() { Animations = ScreenshotAnimations.Disabled });
        Directory.CreateDirectory(ScreenshotDirectory);
        AtomicFile.WriteAllBytes(Path.Combine(ScreenshotDirectory, name), bytes);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_platform is not null)
        {
            _platform.Dispose();
        }

        await _postgres.DisposeAsync();
    }

    /// <summary>Registers a customer through the API and returns a client holding their token.</summary>
    internal async Task<HttpClient> CustomerAsync(string email, string password)
    {
        var client = new HttpClient { BaseAddress = _platform.BaseAddress };
        (await client.PostAsJsonAsync("api/v1/auth/register", new { email, password })).EnsureSuccessStatusCode();
        var login = await client.PostAsJsonAsync("api/v1/auth/login", new { email, password });
        var token = (await login.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    // Orders so the console's lists and counts look like a shop in use.
    private async Task SeedOrdersAsync()
    {
        (string Email, (int Product, int Quantity)[] Items)[] orders =
        [
            ("minji.kim@example.com", [(1, 2), (7, 1)]),
            ("junho.park@example.com", [(3, 1)]),
            ("alex.lee@example.com", [(12, 4), (2, 1)]),
        ];
        foreach (var (email, items) in orders)
        {
            using var customer = await CustomerAsync(email, "Customer-password-1");
            var body = new { items = items.Select(item => new { productId = item.Product, quantity = item.Quantity }) };
            (await customer.PostAsJsonAsync("api/v1/orders", body)).EnsureSuccessStatusCode();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
