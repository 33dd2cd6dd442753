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
    public async Task Adjusting_the_stock_with_a_reason_changes_it_and_the_page_shows_who_did_it_and_why()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var response = await admin.PostFormAsync($"/admin/products/{id}", $"/admin/products/{id}/stock",
            new() { ["delta"] = "−2", ["reason"] = "Two broken in the delivery" });
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, await Platform.StockAsync(id));
        Assert.Contains("Two broken in the delivery", page, StringComparison.Ordinal);
        Assert.Contains(PlatformFactory.AdminEmail, page, StringComparison.Ordinal);
        Assert.Contains(">−2<", page, StringComparison.Ordinal);
        Assert.Contains($"Admin admin@o4o.test adjusted the stock of product {id}", Platform.ReadLog("app.log"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("many", "Restock", "delta")]
    [InlineData("0", "Restock", "delta")]
    [InlineData("99999999999", "Restock", "delta")]
    [InlineData("4", " ", "reason")]
    public async Task An_adjustment_without_a_whole_number_or_a_reason_is_refused_beside_the_field(string delta, string reason, string field)
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var response = await admin.PostFormAsync($"/admin/products/{id}", $"/admin/products/{id}/stock", new() { ["delta"] = delta, ["reason"] = reason });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"<p id=\"{field}-error\" class=\"field-error\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(5, await Platform.StockAsync(id));
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM stock_adjustments"));
    }

    [Fact]
    public async Task An_adjustment_below_zero_is_a_409_that_says_how_many_are_left()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var response = await admin.PostFormAsync($"/admin/products/{id}", $"/admin/products/{id}/stock", new() { ["delta"] = "-6", ["reason"] = "Stocktake" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Stock cannot go below zero: 5 in stock.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(5, await Platform.StockAsync(id));
    }

    [Fact]
    public async Task Archiving_from_the_product_page_takes_the_product_out_of_the_shop_and_bringing_it_back_returns_it()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var archived = await admin.PostFormAsync($"/admin/products/{id}", $"/admin/products/{id}/archived", new() { ["archived"] = "true" });
        var gone = await admin.Client.GetAsync($"/products/{id}");
        var listed = await admin.Client.GetStringAsync("/admin/products?archived=true");
        var back = await admin.PostFormAsync($"/admin/products/{id}", $"/admin/products/{id}/archived", new() { ["archived"] = "false" });
        var unprotected = await admin.Client.PostAsync($"/admin/products/{id}/archived", new FormUrlEncodedContent(new Dictionary<string, string> { ["archived"] = "true" }));

        Assert.Equal(HttpStatusCode.OK, archived.StatusCode);
        Assert.Contains("Archived: not in the shop", await archived.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains($"href=\"/admin/products/{id}\"", listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.GetAsync($"/products/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unprotected.StatusCode);
        Assert.Equal(0, await Platform.ScalarAsync($"SELECT count(*) FROM products WHERE id = {id} AND archived"));
    }

    [Fact]
    public async Task The_product_list_filters_by_category_and_the_edit_form_moves_a_product_to_another()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        var coffee = await Platform.ScalarAsync("SELECT id FROM categories WHERE slug = 'coffee'");
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var saved = await admin.PostFormAsync($"/admin/products/{id}", $"/admin/products/{id}",
            new() { ["name"] = "Test product", ["price"] = "1.00", ["description"] = "", ["categoryId"] = $"{coffee}" });
        var list = await admin.Client.GetStringAsync("/admin/products?category=coffee");

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains($"<option value=\"{coffee}\" selected", await saved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("House Espresso Blend", list, StringComparison.Ordinal);
        Assert.Contains($"href=\"/admin/products/{id}\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Jeju Organic Green Tea", list, StringComparison.Ordinal);
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
