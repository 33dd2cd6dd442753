using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using O4O.Platform.Tests.Orders;
using O4O.Recovery.Monitoring;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Metrics;

/// <summary>
/// The platform's <c>/metrics</c> over real HTTP, scraped from loopback as a local Prometheus or the conductor's 5xx watch
/// scrapes it, and parsed by Prometheus' own tools; refused to a client that came through the proxy.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class MetricsScrapeTests(ManagedPostgresFixture postgres) : IAsyncLifetime
{
    private const string Proxy = "127.0.0.2";
    private const string Duration = "http_server_request_duration_seconds";
    private const string Products = "/api/v1/products/";

    private PlatformFactory _platform = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _platform = new PlatformFactory(await postgres.CreateDatabaseAsync("platform"),
            settings: new Dictionary<string, string?> { ["Platform:TrustedProxy"] = Proxy });
        _address = _platform.StartKestrel();
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();

    [Fact]
    public async Task A_local_scrape_counts_committed_orders_requests_by_route_with_latency_buckets_a_500_by_its_route_and_the_pool()
    {
        using var local = LoopbackClients.From("127.0.0.1", _address);
        var productId = await _platform.CreateProductAsync(stock: 1);
        using var customer = LoopbackClients.From("127.0.0.1", _address);
        var (email, password) = await _platform.RegisterCustomerAsync();
        customer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await PlatformFactory.LoginAsync(customer, email, password)).Token);
        var before = await ScrapeAsync(local);

        Assert.Equal(HttpStatusCode.Created, (await OrderAsync(customer, productId, "metrics-1")).StatusCode);
        // The same key again is the same order, and an order the stock cannot cover is rolled back: neither is placed.
        Assert.Equal(HttpStatusCode.OK, (await OrderAsync(customer, productId, "metrics-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await OrderAsync(customer, productId, "metrics-2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("api/v1/products")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("api/v1/products")).StatusCode);
        await _platform.ScalarAsync("ALTER TABLE products RENAME TO products_gone; SELECT 0");
        Assert.Equal(HttpStatusCode.InternalServerError, (await local.GetAsync("api/v1/products")).StatusCode);
        var after = await ScrapeAsync(local);

        Assert.Equal(1, after.Sum("o4o_orders_placed_total") - before.Sum("o4o_orders_placed_total"));
        var ok = new[] { ("http_route", Products), ("http_response_status_code", "200"), ("http_request_method", "GET") };
        var buckets = after.Where(s => s.Name == Duration + "_bucket" && ok.All(l => s.Label(l.Item1) == l.Item2)).ToList();
        Assert.True(buckets.Count > 5, "no latency buckets for GET /api/v1/products/");
        Assert.Equal(2, after.Sum(Duration + "_count", ok) - before.Sum(Duration + "_count", ok));
        Assert.Equal(after.Sum(Duration + "_count", ok), buckets.Single(b => b.Label("le") == "+Inf").Value);
        var byBound = buckets.OrderBy(b => b.Label("le") == "+Inf" ? double.PositiveInfinity : double.Parse(b.Label("le"), CultureInfo.InvariantCulture))
            .Select(b => b.Value).ToList();
        Assert.Equal(byBound.Order(), byBound);
        Assert.Equal(1, after.Sum(Duration + "_count", ("http_route", Products), ("http_response_status_code", "500")));
        Assert.Equal(1, after.Sum(Duration + "_count", ("http_route", "/api/v1/orders/"), ("http_response_status_code", "201")));
        // The conductor's reader for a deploy's 5xx watch finds the same numbers as Prometheus' parser.
        var counts = await PlatformRequestCounts.ReadAsync(local, _address, CancellationToken.None);
        Assert.Equal(after.Sum(Duration + "_count", ("http_route", Products)), counts.Requests[Products]);
        Assert.Equal(1, counts.ServerErrors[Products]);
        Assert.Equal(1, counts.TotalServerErrors);
        // Npgsql's own pool metrics for the platform's data source.
        Assert.Contains(after, s => s.Name == "db_client_connection_count" && s.Label("db_client_connection_pool_name") == "o4o-platform"
            && s.Label("db_client_connection_state") == "idle");
    }

    [Fact]
    public async Task A_scrape_through_the_proxy_is_refused_with_a_problem_whether_or_not_it_names_a_client()
    {
        using var proxy = LoopbackClients.From(Proxy, _address);
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "metrics");
        forwarded.Headers.Add("X-Forwarded-For", "198.51.100.9");

        using var outside = await proxy.SendAsync(forwarded);
        using var unnamed = await proxy.GetAsync("metrics");

        foreach (var refused in new[] { outside, unnamed })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain(Duration, await refused.Content.ReadAsStringAsync());
        }
    }

    private static Task<HttpResponseMessage> OrderAsync(HttpClient customer, long productId, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/orders")
        {
            Content = JsonContent.Create(OrderRequests.ShippedTo(OrderRequests.Address, (productId, 1))),
        };
        request.Headers.Add("Idempotency-Key", key);
        return customer.SendAsync(request);
    }

    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await PrometheusText.ParseAsync(await response.Content.ReadAsStringAsync());
    }
}
