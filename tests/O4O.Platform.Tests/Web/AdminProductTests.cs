using System.Net;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class AdminProductTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task An_admin_creates_a_product_that_the_storefront_then_shows()
    {
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var response = await admin.PostFormAsync("/admin/products/new", "/admin/products", Form("LAMP-001", "Walnut Desk Lamp", "49.90", "7"));
        var storefront = await admin.Client.GetStringAsync("/?q=walnut");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(@"^/admin/products/\d+$", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Saved.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Walnut Desk Lamp", storefront, StringComparison.Ordinal);
        Assert.Contains("49.90", storefront, StringComparison.Ordinal);
        Assert.Contains("7 in stock", storefront, StringComparison.Ordinal);
        Assert.Contains("Admin admin@o4o.test created product", Platform.ReadLog("app.log"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editing_a_product_changes_its_name_price_and_description_but_not_its_stock()
    {
        var id = await Platform.CreateProductAsync(stock: 5, price: 10m);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var response = await admin.PostFormAsync($"/admin/products/{id}", $"/admin/products/{id}",
            new() { ["name"] = "Renamed product", ["price"] = "12.50", ["description"] = "Now with a lid." });
        var page = await admin.Client.GetStringAsync($"/products/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Renamed product", page, StringComparison.Ordinal);
        Assert.Contains("12.50", page, StringComparison.Ordinal);
        Assert.Contains("Now with a lid.", page, StringComparison.Ordinal);
        Assert.Equal(5, await Platform.StockAsync(id));
        Assert.Contains($"edited product {id}", Platform.ReadLog("app.log"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setting_the_stock_changes_it_and_logs_who_did_it_and_the_old_count()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var response = await admin.PostFormAsync($"/admin/products/{id}", $"/admin/products/{id}/stock", new() { ["stock"] = "42" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(42, await Platform.StockAsync(id));
        Assert.Contains($"Admin admin@o4o.test set the stock of product {id}", Platform.ReadLog("app.log"), StringComparison.Ordinal);
        Assert.Contains("from 5 to 42", Platform.ReadLog("app.log"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_product_form_is_shown_again_with_errors_beside_the_fields_and_nothing_is_saved()
    {
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var before = await Platform.ScalarAsync("SELECT count(*) FROM products");

        var response = await admin.PostFormAsync("/admin/products/new", "/admin/products", Form("BAD SKU!", " ", "12,5", "-3"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        foreach (var field in new[] { "sku", "name", "price", "stock" })
        {
            Assert.Contains($"aria-describedby=\"{field}-error\"", html, StringComparison.Ordinal);
            Assert.Contains($"<p id=\"{field}-error\" class=\"field-error\">", html, StringComparison.Ordinal);
        }

        Assert.Contains("value=\"12,5\"", html, StringComparison.Ordinal);
        Assert.Equal(before, await Platform.ScalarAsync("SELECT count(*) FROM products"));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("many")]
    [InlineData("99999999999")]
    public async Task A_stock_that_is_not_a_whole_number_from_zero_is_refused_beside_the_field(string stock)
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var response = await admin.PostFormAsync($"/admin/products/{id}", $"/admin/products/{id}/stock", new() { ["stock"] = stock });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<p id=\"stock-error\" class=\"field-error\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(5, await Platform.StockAsync(id));
    }

    [Fact]
    public async Task A_taken_sku_is_a_409_with_the_reason_beside_the_sku()
    {
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var response = await admin.PostFormAsync("/admin/products/new", "/admin/products", Form("TEA-001", "Another tea", "3.00", "1"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("A product with this SKU already exists.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_product_list_searches_and_pages_newest_first()
    {
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var first = await admin.Client.GetStringAsync("/admin/products");
        var search = await admin.Client.GetStringAsync("/admin/products?q=kettle");

        Assert.Contains("rel=\"next\"", first, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\"", first, StringComparison.Ordinal);
        Assert.Contains("Stainless Steel Kettle", search, StringComparison.Ordinal);
        Assert.DoesNotContain("Bamboo Cutting Board", search, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Form(string sku, string name, string price, string stock) =>
        new() { ["sku"] = sku, ["name"] = name, ["price"] = price, ["stock"] = stock, ["description"] = "" };
}
