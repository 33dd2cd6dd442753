using Microsoft.Playwright;

namespace O4O.EndToEnd.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AdminOverviewTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_overview_charts_the_week_counts_orders_per_status_and_links_the_products_running_low()
    {
        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page);

        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Sales per day, last 7 days" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#sales-chart-desc")).ToContainTextAsync("Sales per day from");
        await Assertions.Expect(page.Locator("#orders-by-status")).ToContainTextAsync("Cancelled");
        var lowStock = page.GetByRole(AriaRole.Table).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Wall Clock Oak" }) });
        // The shared shop's other tests may run a product low too: the seeded one must be listed, among whatever else.
        await Assertions.Expect(lowStock.GetByRole(AriaRole.Link, new() { Name = "Wall Clock Oak" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "admin-overview.png", fullPage: true);

        await page.GetByRole(AriaRole.Link, new() { Name = "한국어" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "최근 7일 일별 매출" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#orders-by-status")).ToContainTextAsync("취소됨");
        await BrowserFixture.ScreenshotAsync(page, "admin-overview-ko.png", fullPage: true);

        await page.GetByRole(AriaRole.Link, new() { Name = "Wall Clock Oak" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/products/38$"));
    }
}
