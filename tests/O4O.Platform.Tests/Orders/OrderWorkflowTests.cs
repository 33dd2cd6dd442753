using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Orders;

public sealed class OrderWorkflowTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task An_admin_moves_an_order_from_placed_to_delivered_and_every_step_is_in_its_history_with_who_and_when()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");
        var orderId = await OrderRequests.PlaceAsync(customer, productId, 2);

        Assert.Equal(HttpStatusCode.OK, (await OrderRequests.MoveAsync(admin, orderId, "paid")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await OrderRequests.MoveAsync(admin, orderId, "shipped", "CJ대한통운", "6543-2109-8765")).StatusCode);
        var delivered = await OrderRequests.MoveAsync(admin, orderId, "delivered");

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        var order = await delivered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("delivered", order.GetProperty("status").GetString());
        Assert.Equal("CJ대한통운", order.GetProperty("courier").GetString());
        Assert.Equal("6543-2109-8765", order.GetProperty("trackingNumber").GetString());
        var history = order.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["placed", "paid", "shipped", "delivered"], history.Select(change => change.GetProperty("status").GetString()));
        Assert.Equal(PlatformFactory.AdminEmail, history[3].GetProperty("actor").GetString());
        Assert.EndsWith("@example.com", history[0].GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.True(history.Select(change => change.GetProperty("at").GetDateTime()).Order().SequenceEqual(history.Select(change => change.GetProperty("at").GetDateTime())));
        Assert.Equal(8, await Platform.StockAsync(productId));

        // The customer follows the same order and sees their own steps by name, the shop's without its staff's addresses.
        var seen = await customer.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}");
        Assert.Equal("delivered", seen.GetProperty("status").GetString());
        Assert.Equal("06236", seen.GetProperty("shipping").GetProperty("postalCode").GetString());
        Assert.NotEqual(JsonValueKind.Null, seen.GetProperty("history")[0].GetProperty("actor").ValueKind);
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("history")[3].GetProperty("actor").ValueKind);
    }

    [Fact]
    public async Task Shipping_without_a_courier_or_tracking_number_is_400_with_the_fields_and_changes_nothing()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");
        var orderId = await OrderRequests.PlaceAsync(customer, productId, 1);
        await OrderRequests.MoveAsync(admin, orderId, "paid");

        var bare = await OrderRequests.MoveAsync(admin, orderId, "shipped");
        var unknown = await OrderRequests.MoveAsync(admin, orderId, "lost");
        var parcelOnPayment = await OrderRequests.MoveAsync(admin, orderId, "delivered", "CJ", "123");

        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        var errors = (await bare.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("courier", out _));
        Assert.True(errors.TryGetProperty("trackingNumber", out _));
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("status", out _));
        Assert.Equal(HttpStatusCode.BadRequest, parcelOnPayment.StatusCode);
        Assert.Equal(2, await Platform.ScalarAsync($"SELECT count(*) FROM order_status_history WHERE order_id = {orderId}"));
        Assert.Equal(1, await Platform.ScalarAsync($"SELECT count(*) FROM orders WHERE id = {orderId} AND status = 'paid' AND courier IS NULL"));
    }

    [Fact]
    public async Task An_illegal_transition_is_a_409_problem_and_changes_nothing()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");
        var orderId = await OrderRequests.PlaceAsync(customer, productId, 1);

        var unpaidShipped = await OrderRequests.MoveAsync(admin, orderId, "shipped", "CJ", "123");
        var unpaidRefund = await OrderRequests.MoveAsync(admin, orderId, "refunded");
        await OrderRequests.MoveAsync(admin, orderId, "cancelled");
        var revived = await OrderRequests.MoveAsync(admin, orderId, "paid");

        Assert.All([unpaidShipped, unpaidRefund, revived], response =>
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        });
        Assert.Contains("cancelled", (await revived.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await Platform.ScalarAsync($"SELECT count(*) FROM order_status_history WHERE order_id = {orderId}"));
        Assert.Equal(10, await Platform.StockAsync(productId));
    }

    [Fact]
    public async Task Cancelling_and_refunding_return_the_stock_and_asking_again_returns_nothing_more()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");
        var cancelled = await OrderRequests.PlaceAsync(customer, productId, 3);
        var refunded = await OrderRequests.PlaceAsync(customer, productId, 4);
        await OrderRequests.MoveAsync(admin, refunded, "paid");
        await OrderRequests.MoveAsync(admin, refunded, "shipped", "Hanjin", "H-1");
        await OrderRequests.MoveAsync(admin, refunded, "delivered");
        Assert.Equal(3, await Platform.StockAsync(productId));

        Assert.Equal(HttpStatusCode.OK, (await OrderRequests.MoveAsync(admin, cancelled, "cancelled")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await OrderRequests.MoveAsync(admin, refunded, "refunded")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await OrderRequests.MoveAsync(admin, refunded, "refunded")).StatusCode);

        Assert.Equal(10, await Platform.StockAsync(productId));
        Assert.Equal(1, await Platform.ScalarAsync($"SELECT count(*) FROM order_status_history WHERE order_id = {refunded} AND status = 'refunded'"));
    }

    [Fact]
    public async Task Two_admins_refunding_one_order_at_once_return_its_stock_once()
    {
        var first = await Platform.CreateProductAsync(stock: 10);
        var second = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");
        using var otherAdmin = await Platform.CreateClientAsync("admin");
        var orderId = await OrderRequests.IdAsync(await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((first, 2), (second, 5))));
        await OrderRequests.MoveAsync(admin, orderId, "paid");

        for (var round = 0; round < 3; round++)
        {
            var responses = await Task.WhenAll(
                OrderRequests.MoveAsync(admin, orderId, round == 0 ? "refunded" : "cancelled"),
                OrderRequests.MoveAsync(otherAdmin, orderId, "refunded"),
                customer.PostAsync($"/api/v1/orders/{orderId}/cancel", content: null));
            Assert.All(responses, response => Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, response.StatusCode.ToString()));
        }

        Assert.Equal(10, await Platform.StockAsync(first));
        Assert.Equal(10, await Platform.StockAsync(second));
        Assert.Equal(1, await Platform.ScalarAsync($"SELECT count(*) FROM order_status_history WHERE order_id = {orderId} AND status IN ('refunded', 'cancelled')"));
    }

    [Fact]
    public async Task A_customer_cancels_their_own_order_before_shipping_only_and_never_anothers()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var alice = await Platform.CreateClientAsync("customer");
        using var bob = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");
        var placed = await OrderRequests.PlaceAsync(alice, productId, 1);
        var paid = await OrderRequests.PlaceAsync(alice, productId, 2);
        var shipped = await OrderRequests.PlaceAsync(alice, productId, 3);
        await OrderRequests.MoveAsync(admin, paid, "paid");
        await OrderRequests.MoveAsync(admin, shipped, "paid");
        await OrderRequests.MoveAsync(admin, shipped, "shipped", "CJ", "1234");

        var byBob = await bob.PostAsync($"/api/v1/orders/{placed}/cancel", content: null);
        var cancelledPlaced = await alice.PostAsync($"/api/v1/orders/{placed}/cancel", content: null);
        var cancelledPaid = await alice.PostAsync($"/api/v1/orders/{paid}/cancel", content: null);
        var tooLate = await alice.PostAsync($"/api/v1/orders/{shipped}/cancel", content: null);
        var notHers = await alice.PatchAsJsonAsync($"/api/v1/orders/{shipped}/status", new { status = "refunded" });

        Assert.Equal(HttpStatusCode.NotFound, byBob.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cancelledPlaced.StatusCode);
        var order = await cancelledPlaced.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("cancelled", order.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, order.GetProperty("history")[1].GetProperty("actor").ValueKind);
        Assert.Equal(HttpStatusCode.OK, cancelledPaid.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        Assert.Equal("application/problem+json", tooLate.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, notHers.StatusCode);
        Assert.Equal(7, await Platform.StockAsync(productId));
    }

    [Fact]
    public async Task Orders_can_be_listed_by_status()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");
        var paid = await OrderRequests.PlaceAsync(customer, productId, 1);
        await OrderRequests.PlaceAsync(customer, productId, 1);
        await OrderRequests.MoveAsync(admin, paid, "paid");

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/orders?status=paid");
        var unknown = await admin.GetAsync("/api/v1/orders?status=lost");

        Assert.Equal(1, list.GetProperty("totalCount").GetInt32());
        Assert.Equal(paid, list.GetProperty("items")[0].GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }
}
