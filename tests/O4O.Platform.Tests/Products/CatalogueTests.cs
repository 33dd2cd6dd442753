using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.Platform.Products;
using O4O.Platform.Tests.Orders;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Products;

public sealed class CatalogueTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task Categories_are_listed_for_anyone_and_created_and_changed_by_an_admin_only()
    {
        using var anonymous = Platform.CreateClient();
        using var customer = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");

        var demo = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/categories");
        var refused = await customer.PostAsJsonAsync("/api/v1/categories", new { name = "Gifts", slug = "gifts" });
        var created = await admin.PostAsJsonAsync("/api/v1/categories", new { name = "Gifts", slug = "gifts", sortOrder = 5 });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var taken = await admin.PostAsJsonAsync("/api/v1/categories", new { name = "More gifts", slug = "gifts" });
        var invalid = await admin.PostAsJsonAsync("/api/v1/categories", new { name = " ", slug = "Gifts & Co" });
        var renamed = await admin.PutAsJsonAsync($"/api/v1/categories/{id}", new { name = "Gift sets", slug = "gift-sets", sortOrder = 5, nameKo = " 선물 세트 " });
        var badKorean = await admin.PutAsJsonAsync($"/api/v1/categories/{id}", new { name = "Gift sets", slug = "gift-sets", nameKo = "선물\u0007" });
        var missing = await admin.PutAsJsonAsync("/api/v1/categories/999999", new { name = "X", slug = "x" });
        var after = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/categories");

        Assert.Equal(["tea", "coffee", "kitchen", "pantry", "home", "stationery", "outdoor"], Slugs(demo));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _) && errors.TryGetProperty("slug", out _));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("선물 세트", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nameKo").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badKorean.StatusCode);
        Assert.True((await badKorean.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("nameKo", out _));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("gift-sets", Slugs(after)[0]);
    }

    [Fact]
    public async Task The_demo_catalogue_is_in_categories_and_a_category_filters_the_listing()
    {
        using var client = Platform.CreateClient();

        var tea = await client.GetFromJsonAsync<JsonElement>("/api/v1/products?category=tea&pageSize=100");
        var none = await client.GetFromJsonAsync<JsonElement>("/api/v1/products?category=no-such-category");
        var bad = await client.GetAsync("/api/v1/products?category=Tea%27--");

        var items = tea.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(5, items.Count);
        Assert.All(items, item => Assert.Equal("Tea", item.GetProperty("categoryName").GetString()));
        Assert.All(items, item => Assert.StartsWith("TEA-", item.GetProperty("sku").GetString(), StringComparison.Ordinal));
        Assert.Equal(0, none.GetProperty("totalCount").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM products WHERE category_id IS NULL"));
    }

    [Fact]
    public async Task Patching_a_product_changes_only_the_fields_sent_and_never_its_stock()
    {
        var id = await Platform.CreateProductAsync(stock: 5, price: 10m);
        var tea = await Platform.ScalarAsync("SELECT id FROM categories WHERE slug = 'tea'");
        using var admin = await Platform.CreateClientAsync("admin");
        using var customer = await Platform.CreateClientAsync("customer");

        var patched = await admin.PatchAsJsonAsync($"/api/v1/products/{id}", new { price = 12.5m, categoryId = tea });
        var body = await patched.Content.ReadFromJsonAsync<JsonElement>();
        var uncategorised = await admin.PatchAsJsonAsync($"/api/v1/products/{id}", new { categoryId = (long?)null });
        var stock = await admin.PatchAsJsonAsync($"/api/v1/products/{id}", new { stock = 1 });
        var unknownCategory = await admin.PatchAsJsonAsync($"/api/v1/products/{id}", new { categoryId = 999999 });
        var wrongType = await admin.PatchAsJsonAsync($"/api/v1/products/{id}", new { name = 42 });
        var forbidden = await customer.PatchAsJsonAsync($"/api/v1/products/{id}", new { price = 1m });
        var missing = await admin.PatchAsJsonAsync("/api/v1/products/999999", new { price = 1m });

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(12.5m, body.GetProperty("price").GetDecimal());
        Assert.Equal("Test product", body.GetProperty("name").GetString());
        Assert.Equal("Tea", body.GetProperty("categoryName").GetString());
        Assert.Equal(JsonValueKind.Null, (await uncategorised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("categoryId").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, stock.StatusCode);
        Assert.True((await stock.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("stock", out _));
        Assert.Equal(HttpStatusCode.BadRequest, unknownCategory.StatusCode);
        Assert.True((await unknownCategory.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("categoryId", out _));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(5, await Platform.StockAsync(id));
        Assert.Equal(1250, await Platform.ScalarAsync($"SELECT price * 100 FROM products WHERE id = {id}"));
    }

    [Fact]
    public async Task An_archived_product_leaves_the_shop_and_cannot_be_ordered_but_its_past_orders_keep_it()
    {
        var id = await Platform.CreateProductAsync(stock: 5, price: 3m);
        var sku = await SkuAsync(id);
        using var admin = await Platform.CreateClientAsync("admin");
        using var customer = await Platform.CreateClientAsync("customer");
        var before = await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((id, 1)));
        var order = await OrderRequests.IdAsync(before);

        var archived = await admin.PostAsync($"/api/v1/products/{id}/archive", null);
        var listed = await customer.GetFromJsonAsync<JsonElement>($"/api/v1/products?q={sku}");
        var listedArchived = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/products?q={sku}&archived=true");
        var refused = await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((id, 1)));
        var kept = await customer.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{order}");
        var page = await customer.GetAsync($"/products/{id}");
        var storefront = await customer.GetStringAsync($"/?q={sku}");
        var forbidden = await customer.PostAsync($"/api/v1/products/{id}/unarchive", null);
        var unarchived = await admin.PostAsync($"/api/v1/products/{id}/unarchive", null);
        var after = await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((id, 1)));

        Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        Assert.True((await archived.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("archived").GetBoolean());
        Assert.Equal(0, listed.GetProperty("totalCount").GetInt32());
        Assert.Equal(1, listedArchived.GetProperty("totalCount").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("Test product", kept.GetProperty("items")[0].GetProperty("productName").GetString());
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.DoesNotContain("Test product", storefront, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unarchived.StatusCode);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Equal(3, await Platform.StockAsync(id));
    }

    [Fact]
    public async Task A_stock_adjustment_moves_the_stock_with_its_reason_and_admin_and_never_below_zero()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var admin = await Platform.CreateClientAsync("admin");
        using var customer = await Platform.CreateClientAsync("customer");

        var added = await admin.PostAsJsonAsync($"/api/v1/products/{id}/stock-adjustments", new { delta = 5, reason = "Delivery 2026-12-01" });
        var tooMany = await admin.PostAsJsonAsync($"/api/v1/products/{id}/stock-adjustments", new { delta = -11, reason = "Broken in storage" });
        var noReason = await admin.PostAsJsonAsync($"/api/v1/products/{id}/stock-adjustments", new { delta = -1, reason = " " });
        var zero = await admin.PostAsJsonAsync($"/api/v1/products/{id}/stock-adjustments", new { delta = 0, reason = "nothing" });
        var removed = await admin.PostAsJsonAsync($"/api/v1/products/{id}/stock-adjustments", new { delta = -10, reason = "Recalled" });
        var forbidden = await customer.PostAsJsonAsync($"/api/v1/products/{id}/stock-adjustments", new { delta = 1, reason = "mine" });
        var missing = await admin.PostAsJsonAsync("/api/v1/products/999999/stock-adjustments", new { delta = 1, reason = "x" });
        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/products/{id}/stock-adjustments");

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(10, (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stockAfter").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        Assert.Contains("has 10 in stock", (await tooMany.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True((await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.True((await zero.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("delta", out _));
        Assert.Equal(HttpStatusCode.Created, removed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(0, await Platform.StockAsync(id));
        var entries = history.EnumerateArray().ToList();
        Assert.Equal([-10, 5], entries.Select(entry => entry.GetProperty("delta").GetInt32()));
        Assert.Equal(["Recalled", "Delivery 2026-12-01"], entries.Select(entry => entry.GetProperty("reason").GetString()));
        Assert.All(entries, entry => Assert.Equal(PlatformFactory.AdminEmail, entry.GetProperty("adminEmail").GetString()));
    }

    [Fact]
    public async Task Stock_has_a_ceiling_so_a_cancelled_order_always_fits_back_in()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var admin = await Platform.CreateClientAsync("admin");
        using var customer = await Platform.CreateClientAsync("customer");
        using var ordered = await customer.PostAsJsonAsync("/api/v1/orders", new { items = new[] { new { productId = id, quantity = 5 } } });
        var order = (await ordered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var sku = await SkuAsync(id);

        var tooHigh = await admin.PutAsJsonAsync($"/api/v1/products/{id}", new { sku, name = "Test product", price = 1m, stock = int.MaxValue });
        var raised = await admin.PostAsJsonAsync($"/api/v1/products/{id}/stock-adjustments", new { delta = 1_000_000, reason = "A very large delivery" });
        await Platform.ScalarAsync($"UPDATE products SET stock = {ProductRules.MaxStock} - 1 WHERE id = {id} RETURNING stock");
        var over = await admin.PostAsJsonAsync($"/api/v1/products/{id}/stock-adjustments", new { delta = 2, reason = "One more pallet" });
        var cancelled = await customer.PostAsync($"/api/v1/orders/{order}/cancel", null);

        Assert.Equal(HttpStatusCode.BadRequest, tooHigh.StatusCode);
        Assert.True((await tooHigh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("stock", out _));
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Contains("would leave more than 1000000000", (await over.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(ProductRules.MaxStock + 4L, await Platform.StockAsync(id));
    }

    private static List<string> Slugs(JsonElement categories) =>
        [.. categories.EnumerateArray().Select(category => category.GetProperty("slug").GetString()!)];

    private async Task<string> SkuAsync(long id)
    {
        using var client = Platform.CreateClient();
        return (await client.GetFromJsonAsync<JsonElement>($"/api/v1/products/{id}")).GetProperty("sku").GetString()!;
    }
}
