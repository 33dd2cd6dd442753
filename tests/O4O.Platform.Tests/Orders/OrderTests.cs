using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.Platform.Auth;
using O4O.Platform.Users;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Orders;

public sealed class OrderTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task An_order_takes_the_stock_and_answers_201_with_the_order()
    {
        var productId = await Platform.CreateProductAsync(stock: 10, price: 2.50m);
        using var customer = await Platform.CreateClientAsync("customer");

        var response = await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, 3)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(order.GetProperty("id").GetInt64() > 0);
        Assert.Equal(7.50m, order.GetProperty("total").GetDecimal());
        Assert.Equal(3, order.GetProperty("items")[0].GetProperty("quantity").GetInt32());
        Assert.Equal(7, await Platform.StockAsync(productId));
        Assert.Equal(response.Headers.Location!.ToString(), $"/api/v1/orders/{order.GetProperty("id").GetInt64()}");
    }

    [Fact]
    public async Task Order_for_more_than_the_stock_is_refused_with_409_and_writes_nothing()
    {
        var plenty = await Platform.CreateProductAsync(stock: 100);
        var scarce = await Platform.CreateProductAsync(stock: 2);
        using var customer = await Platform.CreateClientAsync("customer");

        var response = await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((plenty, 5), (scarce, 3)));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(100, await Platform.StockAsync(plenty));
        Assert.Equal(2, await Platform.StockAsync(scarce));
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task Concurrent_orders_beyond_the_stock_sell_exactly_the_stock()
    {
        var productId = await Platform.CreateProductAsync(stock: 5);
        using var customer = await Platform.CreateClientAsync("customer");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, 1)))));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(0, await Platform.StockAsync(productId));
        Assert.Equal(5, await Platform.ScalarAsync("SELECT coalesce(sum(quantity), 0) FROM order_items"));
    }

    [Fact]
    public async Task Zero_quantities_and_unknown_products_are_refused_without_writing()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");

        var zero = await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, 0)));
        var unknown = await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, 1), (987654, 1)));
        var empty = await customer.PostAsJsonAsync("/api/v1/orders", new { items = Array.Empty<object>() });

        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.True((await zero.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("items[0].quantity", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(10, await Platform.StockAsync(productId));
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task Customers_see_their_own_orders_and_admins_see_all()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var alice = await Platform.CreateClientAsync("customer");
        using var bob = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");
        var aliceOrder = await OrderRequests.IdAsync(await alice.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, 1))));
        await bob.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, 1)));

        Assert.Equal(1, (await alice.GetFromJsonAsync<JsonElement>("/api/v1/orders")).GetProperty("totalCount").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/v1/orders/{aliceOrder}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/v1/orders/{aliceOrder}")).StatusCode);
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/orders")).GetProperty("totalCount").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/orders/{aliceOrder}")).StatusCode);
    }

    [Fact]
    public async Task A_token_that_outlived_its_account_gets_401_and_orders_nothing()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        var issuer = Platform.GetService<TokenIssuer>();
        var token = issuer.Issue(new UserAccount(987654, "gone@example.com", "", Roles.Customer, false, null, SessionVersion: 0));
        using var client = Platform.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);

        var response = await client.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, 1)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(10, await Platform.StockAsync(productId));
    }

}
