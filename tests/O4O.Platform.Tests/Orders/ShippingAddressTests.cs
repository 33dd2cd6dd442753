using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Orders;

public sealed class ShippingAddressTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task An_order_keeps_its_shipping_address_and_its_placed_history()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");

        var response = await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.ShippedTo(OrderRequests.Address, (productId, 1)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var placed = await response.Content.ReadFromJsonAsync<JsonElement>();
        var read = await customer.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{placed.GetProperty("id").GetInt64()}");
        foreach (var order in new[] { placed, read })
        {
            var shipping = order.GetProperty("shipping");
            Assert.Equal("홍길동", shipping.GetProperty("recipient").GetString());
            Assert.Equal("010-1234-5678", shipping.GetProperty("phone").GetString());
            Assert.Equal("06236", shipping.GetProperty("postalCode").GetString());
            Assert.Equal("12층", shipping.GetProperty("addressDetail").GetString());
            Assert.Equal("placed", order.GetProperty("status").GetString());
            Assert.Equal("placed", order.GetProperty("history")[0].GetProperty("status").GetString());
        }

        Assert.Equal(placed.GetProperty("history")[0].GetProperty("at").GetDateTime(), read.GetProperty("history")[0].GetProperty("at").GetDateTime());
    }

    [Fact]
    public async Task A_bad_address_is_400_naming_each_field_and_orders_nothing()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        var shipping = new
        {
            recipient = " ",
            phone = "010-12345-678x",
            postalCode = "1234",
            address = new string('가', 201),
            addressDetail = (string?)null,
            deliveryNote = "line\u0000break",
        };

        var response = await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.ShippedTo(shipping, (productId, 1)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            ["shipping.address", "shipping.deliveryNote", "shipping.phone", "shipping.postalCode", "shipping.recipient"],
            errors.EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal));
        Assert.Equal(10, await Platform.StockAsync(productId));
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM orders"));
    }

    [Theory]
    [InlineData("01012345678")]
    [InlineData("02-123-4567")]
    [InlineData("031-1234-5678")]
    public async Task Phone_numbers_with_or_without_hyphens_are_accepted(string phone)
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        var shipping = new { recipient = "Kim", phone, postalCode = "04524", address = "세종대로 110" };

        var response = await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.ShippedTo(shipping, (productId, 1)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_retry_with_the_same_key_and_another_address_is_422()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        var moved = new { recipient = "Kim", phone = "010-9876-5432", postalCode = "04524", address = "세종대로 110" };

        var first = await PlaceAsync(customer, OrderRequests.ShippedTo(OrderRequests.Address, (productId, 1)));
        var same = await PlaceAsync(customer, OrderRequests.ShippedTo(OrderRequests.Address, (productId, 1)));
        var elsewhere = await PlaceAsync(customer, OrderRequests.ShippedTo(moved, (productId, 1)));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, elsewhere.StatusCode);
        Assert.Equal(9, await Platform.StockAsync(productId));
    }

    private static async Task<HttpResponseMessage> PlaceAsync(HttpClient client, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "checkout-1");
        return await client.SendAsync(request);
    }
}
