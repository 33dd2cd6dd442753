using Microsoft.Playwright;

namespace O4O.EndToEnd.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ShopCartTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_guest_fills_a_cart_registers_and_the_cart_survives_the_sign_in()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/products/5");
        await page.GetByLabel("Quantity").FillAsync("2");
        await BrowserFixture.ScreenshotAsync(page, "product-add-to-cart.png");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart" })).ToHaveTextAsync("Cart 2");
        await page.GetByRole(AriaRole.Link, new() { Name = "Shop" }).ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "storefront-cart.png");
        await page.Locator(".products li").Filter(new() { HasText = "Bamboo Cutting Board" }).GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();

        var rows = page.Locator("table.cart tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart" })).ToHaveTextAsync("Cart 3");
        var total = await page.Locator("td.total").TextContentAsync();
        await BrowserFixture.ScreenshotAsync(page, "cart.png");

        await page.GetByRole(AriaRole.Link, new() { Name = "Register" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync($"new.shopper.{Guid.NewGuid():N}@example.com");
        await page.GetByLabel("Password").FillAsync("Customer-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        Assert.EndsWith("/cart", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("td.total")).ToHaveTextAsync(total!);
        await page.GetByLabel("Quantity of Bamboo Cutting Board", new() { Exact = true }).FillAsync("3");
        await page.GetByLabel("Quantity of Bamboo Cutting Board", new() { Exact = true }).PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart" })).ToHaveTextAsync("Cart 5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove Bamboo Cutting Board" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "cart-signed-in.png");
    }

    [Fact]
    public async Task The_cart_does_not_scroll_sideways_at_phone_width()
    {
        var page = await browser.NewPageAsync(width: 390, height: 844, locale: "ko-KR");
        await page.GotoAsync("/products/3");
        await page.GetByRole(AriaRole.Button, new() { Name = "장바구니에 담기" }).ClickAsync();

        await Assertions.Expect(page.Locator("table.cart tbody tr")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "cart-phone-ko.png");
        Assert.False(await ConsolePages.ScrollsSidewaysAsync(page));
    }
}
