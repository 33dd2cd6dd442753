using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Npgsql;
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
        var database = await _postgres.CreateDatabaseAsync("browser");
        _platform = await O4OProcess.StartPlatformAsync(database);
        await SeedOrdersAsync(database);
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
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        var bytes = await page.ScreenshotAsync(new() { Animations = ScreenshotAnimations.Disabled, FullPage = fullPage });
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

    // Orders so the console's lists, counts and its week of sales look like a shop in use: three today, the others
    // moved back to earlier days of the week past the API (with their history), some shipped by the admin, one
    // cancelled by its customer (its stock returned), and three products running low.
    private async Task SeedOrdersAsync(string database)
    {
        (string Email, int DaysAgo, string Status, (int Product, int Quantity)[] Items)[] orders =
        [
            ("minji.kim@example.com", 0, "placed", [(1, 2), (7, 1)]),
            ("junho.park@example.com", 0, "placed", [(3, 1)]),
            ("alex.lee@example.com", 0, "placed", [(12, 4), (2, 1)]),
            ("seoyeon.choi@example.com", 1, "placed", [(11, 1), (6, 2)]),
            ("jiwoo.lim@example.com", 1, "cancelled", [(5, 2)]),
            ("daniel.jung@example.com", 2, "shipped", [(31, 1)]),
            ("hana.yoon@example.com", 3, "shipped", [(14, 1), (21, 3)]),
            ("minho.kang@example.com", 5, "shipped", [(36, 1), (39, 2)]),
            ("sora.han@example.com", 6, "shipped", [(16, 1), (8, 2)]),
        ];
        using var admin = new HttpClient { BaseAddress = _platform.BaseAddress };
        var login = await admin.PostAsJsonAsync("api/v1/auth/login", new { email = O4OProcess.AdminEmail, password = O4OProcess.AdminPassword });
        admin.DefaultRequestHeaders.Authorization = new("Bearer", (await login.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        foreach (var (email, daysAgo, status, items) in orders)
        {
            using var customer = await CustomerAsync(email, "Customer-password-1");
            var body = new { items = items.Select(item => new { productId = item.Product, quantity = item.Quantity }) };
            var order = await (await customer.PostAsJsonAsync("api/v1/orders", body)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            var id = order.GetProperty("id").GetInt64();
            if (status == "cancelled")
            {
                (await customer.PostAsync($"api/v1/orders/{id}/cancel", null)).EnsureSuccessStatusCode();
            }
            else if (status == "shipped")
            {
                (await admin.PatchAsJsonAsync($"api/v1/orders/{id}/status", new { status = "paid" })).EnsureSuccessStatusCode();
                var parcel = new { status = "shipped", courier = "CJ대한통운", trackingNumber = $"5{id:D11}" };
                (await admin.PatchAsJsonAsync($"api/v1/orders/{id}/status", parcel)).EnsureSuccessStatusCode();
            }

            await using var move = new NpgsqlCommand(
                """
                UPDATE orders SET created_at = created_at - make_interval(days => @days) WHERE id = @id;
                UPDATE order_status_history SET at = at - make_interval(days => @days) WHERE order_id = @id;
                """, connection);
            move.Parameters.AddWithValue("id", id);
            move.Parameters.AddWithValue("days", daysAgo);
            await move.ExecuteNonQueryAsync();
        }

        await using var runningLow = new NpgsqlCommand("UPDATE products SET stock = CASE id WHEN 31 THEN 3 WHEN 38 THEN 0 ELSE 5 END WHERE id IN (14, 31, 38)", connection);
        await runningLow.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
