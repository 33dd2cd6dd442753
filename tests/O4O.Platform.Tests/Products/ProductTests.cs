using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Products;

public sealed class ProductTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task The_seeded_catalogue_is_listed_page_by_page()
    {
        using var client = Platform.CreateClient();

        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/products?page=3&pageSize=20");

        Assert.Equal(50, page.GetProperty("totalCount").GetInt32());
        Assert.Equal(3, page.GetProperty("totalPages").GetInt32());
        Assert.Equal(10, page.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("sort=price;DROP TABLE products", "sort")]
    public async Task Out_of_range_paging_and_unknown_sorts_are_400_naming_the_parameter(string query, string field)
    {
        using var client = Platform.CreateClient();

        var response = await client.GetAsync($"/api/v1/products?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Search_treats_sql_and_like_metacharacters_as_plain_text()
    {
        using var admin = await Platform.CreateClientAsync("admin");
        await admin.PostAsJsonAsync("/api/v1/products", new { sku = "META-1", name = "100% Cotton_Tee", price = 10m, stock = 1 });

        Assert.Equal(1, await CountAsync(admin, "100%"));
        Assert.Equal(1, await CountAsync(admin, "_"));
        Assert.Equal(0, await CountAsync(admin, "%%%"));
        Assert.Equal(0, await CountAsync(admin, "' OR 1=1; DROP TABLE products; --"));
        Assert.Equal(0, await CountAsync(admin, "\\"));
        Assert.Equal(51, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/products")).GetProperty("totalCount").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/v1/products?q={new string('a', 101)}")).StatusCode);
    }

    [Fact]
    public async Task Sorting_by_price_lists_the_cheapest_first()
    {
        using var client = Platform.CreateClient();

        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/products?sort=price&pageSize=100");

        var prices = page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("price").GetDecimal()).ToList();
        Assert.Equal(prices.Order(), prices);
    }

    [Fact]
    public async Task Creating_a_product_with_bad_fields_is_400_naming_each_and_writes_nothing()
    {
        using var admin = await Platform.CreateClientAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/v1/products", new { sku = "", price = -1m, stock = -5 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.All(new[] { "sku", "name", "price", "stock" }, field => Assert.True(errors.TryGetProperty(field, out _), field));
        Assert.Equal(50, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/products")).GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task An_admin_creates_updates_and_deletes_a_product()
    {
        using var admin = await Platform.CreateClientAsync("admin");

        var created = await admin.PostAsJsonAsync("/api/v1/products", new { sku = "NEW-1", name = "Kettle", price = 20m, stock = 4 });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var updated = await admin.PutAsJsonAsync($"/api/v1/products/{id}", new { sku = "NEW-1", name = "Kettle 2", price = 25.5m, stock = 9 });
        var duplicate = await admin.PostAsJsonAsync("/api/v1/products", new { sku = "NEW-1", name = "Again", price = 1m, stock = 1 });
        var deleted = await admin.DeleteAsync($"/api/v1/products/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(25.5m, (await updated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("price").GetDecimal());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/products/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/products/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/api/v1/products/{id}", new { sku = "X", name = "X", price = 1m, stock = 1 })).StatusCode);
    }

    private static async Task<int> CountAsync(HttpClient client, string search) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/products?q={Uri.EscapeDataString(search)}")).GetProperty("totalCount").GetInt32();
}
