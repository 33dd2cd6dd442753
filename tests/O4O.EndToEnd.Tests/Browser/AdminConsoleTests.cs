using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace O4O.EndToEnd.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AdminConsoleTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_admin_creates_a_product_finds_it_in_the_store_and_adjusts_its_stock()
    {
        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page);
        var counts = page.Locator("dl.counts");
        // Other browser tests of the shared shop place orders too: the figure itself is checked in AdminOverviewTests (platform).
        await Assertions.Expect(counts).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Orders\d+"));

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Products" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "admin-products.png");
        await page.GetByRole(AriaRole.Link, new() { Name = "New product" }).ClickAsync();
        await page.GetByLabel("SKU").FillAsync("LAMP-042");
        await page.GetByLabel("Name").FillAsync("Walnut Desk Lamp");
        await page.GetByLabel("Price").FillAsync("49.90");
        await page.GetByLabel("Stock").FillAsync("7");
        await page.GetByLabel("Description").FillAsync("A warm light with a solid walnut base.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        var productPath = new Uri(page.Url).AbsolutePath["/admin".Length..];

        var store = await browser.NewPageAsync();
        await store.GotoAsync("/");
        await BrowserFixture.ScreenshotAsync(store, "storefront.png");
        await store.GetByLabel("Search products").FillAsync("walnut");
        await store.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await store.GetByRole(AriaRole.Link, new() { Name = "Walnut Desk Lamp" }).ClickAsync();
        await Assertions.Expect(store.Locator(".stock")).ToHaveTextAsync("7 in stock");
        Assert.EndsWith(productPath, store.Url, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(store, "product.png");

        var stockForm = page.Locator(".stock-form");
        await stockForm.GetByLabel("Change (+ or −)").FillAsync("-7");
        await stockForm.GetByLabel("Reason").FillAsync("Sold the whole batch at the fair");
        await stockForm.GetByRole(AriaRole.Button, new() { Name = "Adjust stock" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await store.ReloadAsync();
        await Assertions.Expect(store.Locator(".stock")).ToHaveTextAsync("Sold out");
    }

    [Fact]
    public async Task A_wrong_price_is_explained_beside_the_field_in_the_browser()
    {
        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page, "/admin/products/1");

        await page.GetByLabel("Price").FillAsync("twelve");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByLabel("Price")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#price-error")).ToContainTextAsync("two decimals");
        await BrowserFixture.ScreenshotAsync(page, "admin-product-invalid.png");
    }

    [Fact]
    public async Task A_user_locked_in_the_console_cannot_log_in()
    {
        const string Email = "locked.out@example.com";
        const string Password = "Customer-password-1";
        (await browser.CustomerAsync(Email, Password)).Dispose();
        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page, "/admin/users");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Lock {Email}" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{Email} is locked");
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { Name = Email })).ToContainTextAsync("Locked");
        await BrowserFixture.ScreenshotAsync(page, "admin-users.png");
        using var client = new HttpClient { BaseAddress = browser.Platform.BaseAddress };
        using var login = await client.PostAsJsonAsync("api/v1/auth/login", new { email = Email, password = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task The_console_reads_in_Korean_after_choosing_it()
    {
        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "한국어" }).ClickAsync();

        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "개요" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "상품" }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "상품", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_first_tab_reaches_the_skip_link_and_it_moves_focus_to_the_content()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");

        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("main")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task At_phone_width_no_page_scrolls_sideways()
    {
        var page = await browser.NewPageAsync(width: 390, height: 844);
        await page.GotoAsync("/");
        await BrowserFixture.ScreenshotAsync(page, "storefront-phone.png");
        var wide = new List<string>();
        foreach (var path in new[] { "/", "/products/1", "/?lang=ko", "/admin/login" })
        {
            await page.GotoAsync(path);
            if (await ConsolePages.ScrollsSidewaysAsync(page))
            {
                wide.Add(path);
            }
        }

        await page.GotoAsync("/?lang=en");
        await ConsolePages.SignInAsync(page);
        foreach (var path in new[] { "/admin", "/admin/products", "/admin/products/1", "/admin/products/new", "/admin/orders", "/admin/orders/1", "/admin/users" })
        {
            await page.GotoAsync(path);
            if (await ConsolePages.ScrollsSidewaysAsync(page))
            {
                wide.Add(path);
            }
        }

        await page.GotoAsync("/admin/orders");
        await BrowserFixture.ScreenshotAsync(page, "admin-orders-phone.png");

        Assert.Empty(wide);
    }
}
