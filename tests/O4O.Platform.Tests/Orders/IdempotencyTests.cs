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

    private static async Task<HttpResponseMessage> PlaceWithKeyAsync(HttpClient client, string key, long productId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(OrderRequests.Items((productId, 2))) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }
}
