using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace O4O.EndToEnd.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ShopCheckoutTests(BrowserFixture browser)
{
    // A product no other browser test orders, so its stock tells what this test did.
    private const int Teapot = 20;

    [Fact]
    public async Task A_guest_registers_at_checkout_orders_in_Korean_sees_the_order_and_cancels_it_returning_the_stock()
    {
        var stock = await StockAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"/products/{Teapot}");
        await page.GetByLabel("Quantity").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Checkout" }).ClickAsync();

        // A guest is asked to sign in; registering instead comes back to the checkout with the cart.
        await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Register" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync($"seoyeon.{Guid.NewGuid():N}@example.com");
        await page.GetByLabel("Password").FillAsync("Customer-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        Assert.Equal("/checkout", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.Locator("table.cart tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table.cart tbody tr")).ToContainTextAsync("2");
        await page.GetByLabel("Recipient").FillAsync("Kim Seoyeon");
        await BrowserFixture.ScreenshotAsync(page, "checkout.png", fullPage: true);

        await page.GetByRole(AriaRole.Link, new() { Name = "한국어" }).ClickAsync();
        await page.GetByLabel("받는 분").FillAsync("김서연");
        await page.GetByLabel("연락처").FillAsync("010-2345-6789");
        await page.GetByLabel("우편번호").FillAsync("06236");
        await page.GetByLabel("도로명 주소").FillAsync("서울특별시 강남구 테헤란로 152");
        await page.GetByLabel("상세 주소").FillAsync("12층 1203호");
        await page.GetByLabel("배송 요청 사항 (선택)").FillAsync("문 앞에 놓아 주세요.");
        await BrowserFixture.ScreenshotAsync(page, "checkout-ko.png", fullPage: true);
        await page.SetViewportSizeAsync(390, 844);
        Assert.False(await ConsolePages.ScrollsSidewaysAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "checkout-phone-ko.png", fullPage: true);
        await page.SetViewportSizeAsync(1280, 800);
        await page.GetByRole(AriaRole.Button, new() { Name = "주문 확정" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("주문이 접수되었습니다. 감사합니다!");
        await Assertions.Expect(page.Locator(".facts .status")).ToHaveTextAsync("접수됨");
        await Assertions.Expect(page.Locator(".address")).ToContainTextAsync("서울특별시 강남구 테헤란로 152");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "장바구니" })).ToHaveTextAsync("장바구니 0");
        Assert.Equal(stock - 2, await StockAsync());
        await BrowserFixture.ScreenshotAsync(page, "order-confirmation-ko.png");

        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "order-confirmation.png");
        await page.GetByRole(AriaRole.Link, new() { Name = "My orders" }).First.ClickAsync();
        var orders = page.Locator("main tbody tr");
        await Assertions.Expect(orders).ToHaveCountAsync(1);
        await Assertions.Expect(orders).ToContainTextAsync("Placed");
        await BrowserFixture.ScreenshotAsync(page, "my-orders.png");

        await orders.GetByRole(AriaRole.Link).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel order" }).ClickAsync();
        await Assertions.Expect(page.Locator(".facts .status")).ToHaveTextAsync("Cancelled");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel order" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".history li")).ToHaveCountAsync(2);
        Assert.Equal(stock, await StockAsync());
    }

    private async Task<int> StockAsync()
    {
        using var client = new HttpClient { BaseAddress = browser.Platform.BaseAddress };
        var product = await client.GetFromJsonAsync<JsonElement>($"api/v1/products/{Teapot}");
        return product.GetProperty("stock").GetInt32();
    }
}
