using Microsoft.Playwright;

namespace O4O.EndToEnd.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CatalogueBrowserTests(BrowserFixture browser)
{
    private static readonly string[] _teas =
        ["Jeju Organic Green Tea 100 g", "Roasted Barley Tea Bags (30)", "Citron Honey Tea 1 kg", "Omija Berry Tea 50 g", "Jasmine Pearls 75 g"];

    [Fact]
    public async Task An_admin_gives_the_teas_pictures_and_a_customer_browses_them_by_category_in_English_and_Korean()
    {
        var admin = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(admin, "/admin/products/1");
        for (var id = 1; id <= _teas.Length; id++)
        {
            await admin.GotoAsync($"/admin/products/{id}");
            await admin.GetByLabel("Image file").SetInputFilesAsync(new FilePayload
            {
                Name = $"tea-{id}.png",
                MimeType = "image/png",
                Buffer = await PictureAsync(admin, id),
            });
            await admin.GetByRole(AriaRole.Button, new() { Name = "Upload image" }).ClickAsync();
            await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        }

        // The other browser tests buy from the same shop: the changes are worked out from the stock the page shows.
        await AdjustAsync(admin, 2, stock => 3 - stock, "Stocktake: most of the batch was damp");
        await AdjustAsync(admin, 4, stock => -stock, "Recalled by the supplier");
        await AdjustAsync(admin, 1, _ => 24, "Delivery from Jeju, batch 12");
        await Assertions.Expect(admin.Locator(".history tbody tr").First).ToContainTextAsync("Delivery from Jeju, batch 12");
        await Assertions.Expect(admin.GetByLabel("Category")).ToHaveValueAsync("1");
        await LoadedAsync(admin);
        await BrowserFixture.ScreenshotAsync(admin, "admin-product-edit.png", fullPage: true);

        var store = await browser.NewPageAsync();
        await store.GotoAsync("/");
        await store.GetByRole(AriaRole.Navigation, new() { Name = "Categories" }).GetByRole(AriaRole.Link, new() { Name = "Tea" }).ClickAsync();
        await Assertions.Expect(store.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Tea");
        await Assertions.Expect(store.Locator(".products li")).ToHaveCountAsync(_teas.Length);
        await Assertions.Expect(store.GetByRole(AriaRole.Img, new() { Name = _teas[0] })).ToBeVisibleAsync();
        var barley = store.Locator(".products li").Filter(new() { HasText = _teas[1] });
        await Assertions.Expect(barley.Locator(".stock")).ToHaveTextAsync("3 left");
        var omija = store.Locator(".products li").Filter(new() { HasText = _teas[3] });
        await Assertions.Expect(omija.Locator(".stock")).ToHaveTextAsync("Sold out");
        await Assertions.Expect(omija.GetByRole(AriaRole.Button, new() { Name = "Add to cart" })).ToBeDisabledAsync();
        await LoadedAsync(store);
        await BrowserFixture.ScreenshotAsync(store, "storefront-categories.png");

        await store.GetByLabel("Sort by").SelectOptionAsync("price_desc");
        await store.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(store.Locator(".product-name").First).ToHaveTextAsync("Jasmine Pearls 75 g");
        Assert.Contains("category=tea", store.Url, StringComparison.Ordinal);

        await store.GetByRole(AriaRole.Link, new() { Name = _teas[0] }).ClickAsync();
        await Assertions.Expect(store.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(_teas[0]);
        await Assertions.Expect(store.Locator("img.thumb.large")).ToHaveAttributeAsync("alt", _teas[0]);
        await LoadedAsync(store);
        await BrowserFixture.ScreenshotAsync(store, "product-image.png");

        // The categories page: Tea's row leads to its form, which comes back with the row's names.
        await admin.GotoAsync("/admin/categories");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Edit Tea" }).ClickAsync();
        await Assertions.Expect(admin.GetByLabel("Korean name (optional)")).ToHaveValueAsync("차");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved the category Tea.");
        await BrowserFixture.ScreenshotAsync(admin, "admin-categories.png", fullPage: true);

        var korean = await browser.NewPageAsync(locale: "ko-KR");
        await korean.GotoAsync("/products/1");
        await Assertions.Expect(korean.GetByRole(AriaRole.Button, new() { Name = "장바구니에 담기" })).ToBeVisibleAsync();
        await Assertions.Expect(korean.GetByRole(AriaRole.Link, new() { Name = "차" })).ToBeVisibleAsync();
        await LoadedAsync(korean);
        await BrowserFixture.ScreenshotAsync(korean, "product-image-ko.png");
        await korean.GotoAsync("/?category=tea");
        await Assertions.Expect(korean.Locator(".products li").Filter(new() { HasText = _teas[1] }).Locator(".stock")).ToHaveTextAsync("3개 남음");
    }

    private static async Task AdjustAsync(IPage admin, int id, Func<int, int> change, string reason)
    {
        await admin.GotoAsync($"/admin/products/{id}");
        var section = admin.GetByRole(AriaRole.Region, new() { Name = "Adjust stock" });
        // "59 in stock", "3 left" or "Sold out".
        var shown = await section.Locator("> p").First.TextContentAsync() ?? "";
        var digits = new string(shown.TakeWhile(char.IsAsciiDigit).ToArray());
        var stock = digits.Length == 0 ? 0 : int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        await section.GetByLabel("Change (+ or −)").FillAsync(change(stock).ToString("+0;-0", System.Globalization.CultureInfo.InvariantCulture));
        await section.GetByLabel("Reason").FillAsync(reason);
        await section.GetByRole(AriaRole.Button, new() { Name = "Adjust stock" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
    }

    /// <summary>Waits until every picture on the page has arrived, so a screenshot shows them.</summary>
    private static async Task LoadedAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => [...document.images].every(image => image.complete && image.naturalWidth > 0)");

    /// <summary>A 1600 × 1600 product shot drawn by the browser itself: a tin on a tinted background, its colour by product.</summary>
    private static async Task<byte[]> PictureAsync(IPage page, int id)
    {
        var data = await page.EvaluateAsync<string>("""
            hue => {
                const canvas = document.createElement('canvas');
                canvas.width = canvas.height = 1600;
                const g = canvas.getContext('2d');
                const background = g.createLinearGradient(0, 0, 1600, 1600);
                background.addColorStop(0, `hsl(${hue} 45% 92%)`);
                background.addColorStop(1, `hsl(${hue + 30} 40% 80%)`);
                g.fillStyle = background;
                g.fillRect(0, 0, 1600, 1600);
                g.fillStyle = 'rgba(0, 0, 0, .12)';
                g.beginPath(); g.ellipse(800, 1290, 430, 70, 0, 0, 2 * Math.PI); g.fill();
                const tin = g.createLinearGradient(420, 0, 1180, 0);
                tin.addColorStop(0, `hsl(${hue} 55% 30%)`);
                tin.addColorStop(.45, `hsl(${hue} 55% 48%)`);
                tin.addColorStop(1, `hsl(${hue} 55% 26%)`);
                g.fillStyle = tin;
                g.fillRect(420, 420, 760, 860);
                g.beginPath(); g.ellipse(800, 1280, 380, 60, 0, 0, Math.PI); g.fill();
                g.fillStyle = `hsl(${hue} 50% 70%)`;
                g.beginPath(); g.ellipse(800, 420, 380, 60, 0, 0, 2 * Math.PI); g.fill();
                g.fillStyle = 'rgba(255, 255, 255, .88)';
                g.fillRect(470, 700, 660, 300);
                g.fillStyle = `hsl(${hue} 55% 30%)`;
                g.beginPath(); g.arc(800, 850, 90, 0, 2 * Math.PI); g.fill();
                return canvas.toDataURL('image/png');
            }
            """, id * 67 % 360);
        return Convert.FromBase64String(data[(data.IndexOf(',', StringComparison.Ordinal) + 1)..]);
    }
}
