using Microsoft.Playwright;

namespace O4O.EndToEnd.Tests.Browser;

/// <summary>
/// The purchase flow with the keyboard alone: Tab to move, Enter to follow a link or press a button, typing into the
/// focused field. No click, no locator-driven fill: what someone who cannot use a mouse does.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardPurchaseTests(BrowserFixture browser)
{
    private const int MostTabs = 80;

    [Fact]
    public async Task A_customer_finds_a_product_fills_the_cart_signs_in_and_places_an_order_with_the_keyboard_alone()
    {
        var email = $"keyboard.{Guid.NewGuid():N}@example.com";
        (await browser.CustomerAsync(email, "Customer-password-1")).Dispose();
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");

        await TabToAsync(page, "Search products");
        await page.Keyboard.TypeAsync("Jeju");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/?q=Jeju*");
        await TabToAsync(page, "Jeju Organic Green Tea 100 g");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/products/*");
        await TabToAsync(page, "Add to cart");
        await page.Keyboard.PressAsync("Enter");

        // Adding lands on the cart; its link in the header is reachable and counts the line.
        await page.WaitForURLAsync("**/cart");
        await TabToAsync(page, "Cart 1");
        await TabToAsync(page, "Checkout");
        await page.Keyboard.PressAsync("Enter");

        // A guest is asked to sign in first and comes back to the checkout with the cart.
        await page.WaitForURLAsync("**/login**");
        await TabToAsync(page, "Email");
        await page.Keyboard.TypeAsync(email);
        await TabToAsync(page, "Password");
        await page.Keyboard.TypeAsync("Customer-password-1");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/checkout*");

        foreach (var (field, value) in new[]
        {
            ("Recipient", "Kim Seoyeon"), ("Phone", "010-2345-6789"), ("Postal code", "06236"),
            ("Address", "152 Teheran-ro, Gangnam-gu, Seoul"), ("Address detail", "12F"),
        })
        {
            await TabToAsync(page, field);
            await page.Keyboard.TypeAsync(value);
        }

        await TabToAsync(page, "Place order");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync("**/orders/*");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Order #\\d+$"));
        await Assertions.Expect(page.GetByText("Jeju Organic Green Tea 100 g")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart" })).ToHaveTextAsync("Cart 0");
    }

    /// <summary>
    /// Presses Tab until the focused element is the one named <paramref name="name"/> (its label, aria-label or text,
    /// as a screen reader would announce it); fails when that takes more than <see cref="MostTabs"/> presses, that is,
    /// when the control cannot be reached with the keyboard or is not named so.
    /// </summary>
    private static async Task TabToAsync(IPage page, string name)
    {
        for (var presses = 0; presses < MostTabs; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<string>("""
                () => {
                    const e = document.activeElement;
                    if (!e || e === document.body) return '';
                    const label = e.labels && e.labels.length ? e.labels[0].textContent : null;
                    return (e.getAttribute('aria-label') || label || e.textContent || e.value || '').replace(/\s+/g, ' ').trim();
                }
                """);
            if (focused == name)
            {
                return;
            }
        }

        Assert.Fail($"{MostTabs} presses of Tab on {page.Url} never reached \"{name}\".");
    }
}
