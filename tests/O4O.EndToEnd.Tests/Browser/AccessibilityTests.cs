using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using O4O.EndToEnd.Tests.Processes;

namespace O4O.EndToEnd.Tests.Browser;

/// <summary>
/// axe-core (npm, pinned in <c>tests/accessibility</c>) on the shop's main pages, as a guest, a customer and an admin, in
/// English and Korean: no serious or critical violation (missing labels, contrast, names of buttons and links, landmarks).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture browser)
{
    private static readonly string _axeScript = Path.Combine(O4OProcess.RepositoryRoot(), "tests", "accessibility", "node_modules", "axe-core", "axe.min.js");

    [Theory]
    [InlineData("/", "en-US")]
    [InlineData("/", "ko-KR")]
    [InlineData("/products/1", "en-US")]
    [InlineData("/products/1", "ko-KR")]
    [InlineData("/cart", "en-US")]
    [InlineData("/register", "en-US")]
    [InlineData("/register", "ko-KR")]
    [InlineData("/login", "en-US")]
    public async Task A_guest_page_has_no_serious_accessibility_violation(string path, string locale)
    {
        var page = await browser.NewPageAsync(locale: locale);
        await page.GotoAsync("/products/2");
        await page.GetByRole(AriaRole.Button).Filter(new() { HasText = locale == "ko-KR" ? "장바구니에 담기" : "Add to cart" }).ClickAsync();
        await page.GotoAsync(path);

        Assert.Empty(await SeriousViolationsAsync(page));
    }

    [Theory]
    [InlineData("/checkout", "en-US")]
    [InlineData("/checkout", "ko-KR")]
    [InlineData("/orders", "en-US")]
    [InlineData("/orders/", "ko-KR")]
    public async Task A_customer_page_has_no_serious_accessibility_violation(string path, string locale)
    {
        var email = $"axe.{Guid.NewGuid():N}@example.com";
        using var customer = await browser.CustomerAsync(email, "Customer-password-1");
        var order = await customer.PostAsJsonAsync("api/v1/orders", new { items = new[] { new { productId = 3, quantity = 1 } } });
        var id = (await order.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var page = await browser.NewPageAsync(locale: locale);
        await page.GotoAsync("/login");
        await page.GetByLabel(locale == "ko-KR" ? "이메일" : "Email").FillAsync(email);
        await page.GetByLabel(locale == "ko-KR" ? "비밀번호" : "Password").FillAsync("Customer-password-1");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        await page.GotoAsync("/products/2");
        await page.GetByRole(AriaRole.Button).Filter(new() { HasText = locale == "ko-KR" ? "장바구니에 담기" : "Add to cart" }).ClickAsync();
        await page.GotoAsync(path.EndsWith('/') ? $"{path}{id}" : path);

        Assert.Empty(await SeriousViolationsAsync(page));
    }

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/products")]
    [InlineData("/admin/products/1")]
    [InlineData("/admin/products/new")]
    [InlineData("/admin/categories")]
    [InlineData("/admin/categories/1")]
    [InlineData("/admin/orders")]
    [InlineData("/admin/orders/1")]
    [InlineData("/admin/users")]
    public async Task An_admin_page_has_no_serious_accessibility_violation(string path)
    {
        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page, path);

        Assert.Empty(await SeriousViolationsAsync(page));
    }

    [Fact]
    public async Task The_check_finds_a_field_without_a_label_and_an_image_button_without_a_name()
    {
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("""<html lang="en"><title>t</title><main><form><input type="text"><button><svg></svg></button></form></main></html>""");

        var violations = await SeriousViolationsAsync(page);

        Assert.Contains(violations, violation => violation.StartsWith("label:", StringComparison.Ordinal));
        Assert.Contains(violations, violation => violation.StartsWith("button-name:", StringComparison.Ordinal));
    }

    /// <summary>axe-core's violations of impact serious or critical, each as "rule: help (the offending elements)".</summary>
    internal static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        Assert.True(File.Exists(_axeScript), $"{_axeScript} is missing: npm ci --prefix tests/accessibility");
        await page.AddScriptTagAsync(new() { Path = _axeScript });
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`)
            """);
        return [.. violations.EnumerateArray().Select(violation => violation.GetString()!)];
    }
}
