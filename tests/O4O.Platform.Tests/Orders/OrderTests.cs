using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Orders;

public sealed class OrderTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task An_order_takes_the_stock_and_answers_201_with_the_order()
    {
        var productId = await CreateProductAsync(stock: 10, price: 2.50m);
        using var customer = await Platform.CreateClientAsync("customer");

        var response = await customer.PostAsJsonAsync("/api/v1/orders", Items((productId, 3)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(order.GetProperty("id").GetInt64() > 0);
        Assert.Equal(7.50m, order.GetProperty("total").GetDecimal());
        Assert.Equal(3, order.GetProperty("items")[0].GetProperty("quantity").GetInt32());
        Assert.Equal(7, await StockAsync(productId));
        Assert.Equal(response.Headers.Location!.ToString(), $"/api/v1/orders/{order.GetProperty("id").GetInt64()}");
    }

    [Fact]
    public async Task Order_for_more_than_the_stock_is_refused_with_409_and_writes_nothing()
    {
        var plenty = await CreateProductAsync(stock: 100);
        var scarce = await CreateProductAsync(stock: 2);
        using var customer = await Platform.CreateClientAsync("customer");

        var response = await customer.PostAsJsonAsync("/api/v1/orders", Items((plenty, 5), (scarce, 3)));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(100, await StockAsync(plenty));
        Assert.Equal(2, await StockAsync(scarce));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task Concurrent_orders_beyond_the_stock_sell_exactly_the_stock()
    {
        var productId = await CreateProductAsync(stock: 5);
        using var customer = await Platform.CreateClientAsync("customer");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => customer.PostAsJsonAsync("/api/v1/orders", Items((productId, 1)))));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(0, await StockAsync(productId));
        Assert.Equal(5, await ScalarAsync("SELECT coalesce(sum(quantity), 0) FROM order_items"));
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_order()
    {
        var productId = await CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");

        var first = await PlaceWithKeyAsync(customer, "retry-1", productId);
        var retry = await PlaceWithKeyAsync(customer, "retry-1", productId);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await IdAsync(first), await IdAsync(retry));
        Assert.Equal(8, await StockAsync(productId));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_idempotency_key_make_one_order()
    {
        var productId = await CreateProductAsync(stock: 100);
        using var customer = await Platform.CreateClientAsync("customer");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PlaceWithKeyAsync(customer, "double-click", productId)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Single((await Task.WhenAll(responses.Select(IdAsync))).Distinct());
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM orders"));
        Assert.Equal(98, await StockAsync(productId));
    }

    [Fact]
    public async Task Zero_quantities_and_unknown_products_are_refused_without_writing()
    {
        var productId = await CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");

        var zero = await customer.PostAsJsonAsync("/api/v1/orders", Items((productId, 0)));
        var unknown = await customer.PostAsJsonAsync("/api/v1/orders", Items((productId, 1), (987654, 1)));
        var empty = await customer.PostAsJsonAsync("/api/v1/orders", new { items = Array.Empty<object>() });

        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.True((await zero.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("items[0].quantity", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(10, await StockAsync(productId));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task Customers_see_their_own_orders_and_admins_see_all()
    {
        var productId = await CreateProductAsync(stock: 10);
        using var alice = await Platform.CreateClientAsync("customer");
        using var bob = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");
        var aliceOrder = await IdAsync(await alice.PostAsJsonAsync("/api/v1/orders", Items((productId, 1))));
        await bob.PostAsJsonAsync("/api/v1/orders", Items((productId, 1)));

        Assert.Equal(1, (await alice.GetFromJsonAsync<JsonElement>("/api/v1/orders")).GetProperty("totalCount").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/v1/orders/{aliceOrder}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/orders/{aliceOrder}")).StatusCode);
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/orders")).GetProperty("totalCount").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/orders/{aliceOrder}")).StatusCode);
    }

    private static object Items(params (long ProductId, int Quantity)[] items) =>
        new { items = items.Select(i => new { productId = i.ProductId, quantity = i.Quantity }) };

    private static async Task<HttpResponseMessage> PlaceWithKeyAsync(HttpClient client, string key, long productId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(Items((productId, 2))) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static async Task<long> IdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

    private async Task<long> CreateProductAsync(int stock, decimal price = 1m)
    {
        using var admin = await Platform.CreateClientAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/v1/products", new { sku = $"T-{Guid.NewGuid():N}", name = "Test product", price, stock });
        return await IdAsync(response);
    }

    private Task<long> StockAsync(long productId) => ScalarAsync($"SELECT stock FROM products WHERE id = {productId}");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Platform.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}
