using System.Net;
using System.Net.Http.Json;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Orders;

public sealed class IdempotencyTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_order()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");

        var first = await PlaceWithKeyAsync(customer, "retry-1", productId);
        var retry = await PlaceWithKeyAsync(customer, "retry-1", productId);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await OrderRequests.IdAsync(first), await OrderRequests.IdAsync(retry));
        Assert.Equal(8, await Platform.StockAsync(productId));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_idempotency_key_make_one_order()
    {
        var productId = await Platform.CreateProductAsync(stock: 100);
        using var customer = await Platform.CreateClientAsync("customer");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PlaceWithKeyAsync(customer, "double-click", productId)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Single((await Task.WhenAll(responses.Select(OrderRequests.IdAsync))).Distinct());
        Assert.Equal(1, await Platform.ScalarAsync("SELECT count(*) FROM orders"));
        Assert.Equal(98, await Platform.StockAsync(productId));
    }

    [Fact]
    public async Task An_idempotency_key_reused_with_a_different_body_is_422_and_orders_nothing()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");

        var first = await PlaceWithKeyAsync(customer, "reused", productId);
        var different = await PlaceWithKeyAsync(customer, "reused", productId, quantity: 5);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.StatusCode);
        Assert.Equal("application/problem+json", different.Content.Headers.ContentType?.MediaType);
        Assert.False(different.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await Platform.ScalarAsync("SELECT count(*) FROM orders"));
        Assert.Equal(8, await Platform.StockAsync(productId));
    }

    [Fact]
    public async Task The_same_body_written_differently_still_replays_the_first_order()
    {
        var first = await Platform.CreateProductAsync(stock: 10);
        var second = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");

        var placed = await PlaceAsync(customer, "same-order", OrderRequests.Items((first, 2), (second, 1)));
        var reordered = await PlaceAsync(customer, "same-order", OrderRequests.Items((second, 1), (first, 1), (first, 1)));

        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reordered.StatusCode);
        Assert.Equal(await OrderRequests.IdAsync(placed), await OrderRequests.IdAsync(reordered));
    }

    [Fact]
    public async Task One_idempotency_key_used_by_two_customers_places_two_orders()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var alice = await Platform.CreateClientAsync("customer");
        using var bob = await Platform.CreateClientAsync("customer");

        var fromAlice = await PlaceWithKeyAsync(alice, "shared-key", productId);
        var fromBob = await PlaceWithKeyAsync(bob, "shared-key", productId, quantity: 3);

        Assert.Equal(HttpStatusCode.Created, fromAlice.StatusCode);
        Assert.Equal(HttpStatusCode.Created, fromBob.StatusCode);
        Assert.Equal(5, await Platform.StockAsync(productId));
    }

    private static Task<HttpResponseMessage> PlaceWithKeyAsync(HttpClient client, string key, long productId, int quantity = 2) =>
        PlaceAsync(client, key, OrderRequests.Items((productId, quantity)));

    private static async Task<HttpResponseMessage> PlaceAsync(HttpClient client, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }
}
