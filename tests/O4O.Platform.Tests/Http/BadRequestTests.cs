using System.Net;
using System.Net.Http.Json;
using System.Text;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Http;

public sealed class BadRequestTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var admin = await Platform.CreateClientAsync("admin");

        var response = await admin.PostAsync("/api/v1/products", new StringContent("{\"sku\": \"A\", \"price\": ", Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        using var client = Platform.CreateClient();

        var response = await client.PostAsync("/api/v1/auth/login", new StringContent("email=a&password=b", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_a_413_problem_and_writes_nothing()
    {
        using var customer = await Platform.CreateClientAsync("customer");
        var items = Enumerable.Range(0, 5000).Select(i => new { productId = 1, quantity = 1 });

        var response = await customer.PostAsJsonAsync("/api/v1/orders", new { items });

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        using var admin = await Platform.CreateClientAsync("admin");
        Assert.Equal("{\"items\":[],\"page\":1,\"pageSize\":20,\"totalCount\":0,\"totalPages\":0}", await admin.GetStringAsync("/api/v1/orders"));
    }

    [Fact]
    public async Task Unknown_ids_and_routes_are_404_problems()
    {
        using var client = Platform.CreateClient();

        await AssertProblemAsync(await client.GetAsync("/api/v1/products/999999"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await client.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrongly_typed_query_parameter_is_a_400_problem()
    {
        using var client = Platform.CreateClient();

        await AssertProblemAsync(await client.GetAsync("/api/v1/products?page=abc"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Text_with_a_NUL_byte_is_refused_with_400_rather_than_reaching_the_database()
    {
        using var admin = await Platform.CreateClientAsync("admin");

        await AssertProblemAsync(await admin.GetAsync("/api/v1/products?q=tea%00"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(
            await admin.PostAsJsonAsync("/api/v1/products", new { sku = "NUL-1", name = "Bad\0name", price = 1m, stock = 1 }), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/?q=tea%00")).StatusCode);
    }

    [Fact]
    public async Task An_order_whose_total_cannot_be_stored_is_a_400_and_writes_nothing()
    {
        using var admin = await Platform.CreateClientAsync("admin");
        var id = await Platform.CreateProductAsync(stock: 10, price: 9_000_000_000m);

        var response = await admin.PostAsJsonAsync("/api/v1/orders", new { items = new[] { new { productId = id, quantity = 2 } } });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(10, await Platform.StockAsync(id));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains($"\"status\":{(int)expected}", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }
}
