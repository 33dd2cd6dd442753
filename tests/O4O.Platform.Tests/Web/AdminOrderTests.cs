using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using O4O.Platform.Tests.Orders;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed partial class AdminOrderTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task Orders_are_listed_newest_first_and_one_shows_its_items()
    {
        var productId = await Platform.CreateProductAsync(stock: 10, price: 2.50m);
        using var customer = await Platform.CreateClientAsync("customer");
        var older = await OrderRequests.IdAsync(await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, 1))));
        var newer = await OrderRequests.IdAsync(await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, 3))));
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var list = await admin.Client.GetStringAsync("/admin/orders");
        var detail = await admin.Client.GetStringAsync($"/admin/orders/{newer}");
        var missing = await admin.Client.GetAsync("/admin/orders/999999");

        Assert.True(list.IndexOf($"#{newer}<", StringComparison.Ordinal) < list.IndexOf($"#{older}<", StringComparison.Ordinal));
        Assert.Contains("Test product", detail, StringComparison.Ordinal);
        Assert.Contains("7.50", detail, StringComparison.Ordinal);
        Assert.Contains("@example.com", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_order_shows_its_address_and_history_and_only_the_steps_it_may_take_next()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        var orderId = await OrderRequests.PlaceAsync(customer, productId, 1);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var page = await admin.Client.GetStringAsync($"/admin/orders/{orderId}");

        Assert.Contains("서울특별시 강남구 테헤란로 152", page, StringComparison.Ordinal);
        Assert.Contains("010-1234-5678", page, StringComparison.Ordinal);
        Assert.Contains("<span class=\"status status-placed\">Placed</span>", page, StringComparison.Ordinal);
        Assert.Contains("@example.com", page, StringComparison.Ordinal);
        Assert.Equal(["cancelled", "paid"], StepsOffered(page));
        Assert.DoesNotContain("id=\"trackingNumber\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_ships_an_order_with_its_courier_and_tracking_number_and_the_customer_sees_it()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        var orderId = await OrderRequests.PlaceAsync(customer, productId, 1);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var page = $"/admin/orders/{orderId}";
        var action = $"/admin/orders/{orderId}/status";

        await admin.PostFormAsync(page, action, new() { ["status"] = "paid" });
        var offered = await admin.Client.GetStringAsync(page);
        var shipped = await admin.PostFormAsync(page, action, new() { ["status"] = "shipped", ["courier"] = "CJ대한통운", ["trackingNumber"] = "6543-2109" });

        Assert.Equal(["cancelled", "refunded", "shipped"], StepsOffered(offered));
        Assert.Contains("<label for=\"trackingNumber\">Tracking number</label>", offered, StringComparison.Ordinal);
        Assert.Equal($"/admin/orders/{orderId}", shipped.RequestMessage!.RequestUri!.AbsolutePath);
        var shown = await shipped.Content.ReadAsStringAsync();
        Assert.Contains("The order is now Shipped.", shown, StringComparison.Ordinal);
        Assert.Contains("6543-2109", shown, StringComparison.Ordinal);
        Assert.Contains(PlatformFactory.AdminEmail, shown, StringComparison.Ordinal);
        Assert.Equal(["delivered", "refunded"], StepsOffered(shown));
        var seen = await customer.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}");
        Assert.Equal("shipped", seen.GetProperty("status").GetString());
        Assert.Equal("6543-2109", seen.GetProperty("trackingNumber").GetString());
    }

    [Fact]
    public async Task Shipping_without_a_tracking_number_shows_the_error_next_to_the_field_and_changes_nothing()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        var orderId = await OrderRequests.PlaceAsync(customer, productId, 1);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        await admin.PostFormAsync($"/admin/orders/{orderId}", $"/admin/orders/{orderId}/status", new() { ["status"] = "paid" });

        var response = await admin.PostFormAsync($"/admin/orders/{orderId}", $"/admin/orders/{orderId}/status",
            new() { ["status"] = "shipped", ["courier"] = "Hanjin", ["trackingNumber"] = " " });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("aria-describedby=\"trackingNumber-error\"", page, StringComparison.Ordinal);
        Assert.Contains("<p id=\"trackingNumber-error\" class=\"field-error\">", page, StringComparison.Ordinal);
        Assert.Contains("value=\"Hanjin\"", page, StringComparison.Ordinal);
        Assert.Equal(1, await Platform.ScalarAsync($"SELECT count(*) FROM orders WHERE id = {orderId} AND status = 'paid'"));
    }

    [Fact]
    public async Task A_refund_carries_its_reason_into_the_history_that_the_customer_sees_and_a_reason_too_long_is_marked_and_kept()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        var orderId = await OrderRequests.PlaceAsync(customer, productId, 2);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var page = $"/admin/orders/{orderId}";
        var action = $"/admin/orders/{orderId}/status";
        await admin.PostFormAsync(page, action, new() { ["status"] = "paid" });

        var tooLong = await admin.PostFormAsync(page, action, new() { ["status"] = "refunded", ["note"] = new string('x', 501) });
        var refunded = await admin.PostFormAsync(page, action, new() { ["status"] = "refunded", ["note"] = "Arrived broken; photo by e-mail" });
        var seen = await customer.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}");

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var refused = await tooLong.Content.ReadAsStringAsync();
        Assert.Contains("<p id=\"note-refunded-error\" class=\"field-error\">Keep the reason to at most 500 characters.</p>", refused, StringComparison.Ordinal);
        Assert.Contains(new string('x', 501) + "</textarea>", refused, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, refunded.StatusCode);
        Assert.Contains("Arrived broken; photo by e-mail", await refunded.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Arrived broken; photo by e-mail", seen.GetProperty("history").EnumerateArray().Last().GetProperty("note").GetString());
        Assert.Equal(10, await Platform.StockAsync(productId));
    }

    [Fact]
    public async Task A_step_the_order_can_no_longer_take_is_refused_with_409_and_cancelling_returns_the_stock_once()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        var orderId = await OrderRequests.PlaceAsync(customer, productId, 4);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var page = $"/admin/orders/{orderId}";
        var action = $"/admin/orders/{orderId}/status";

        var cancelled = await admin.PostFormAsync(page, action, new() { ["status"] = "cancelled" });
        var late = await admin.PostFormAsync(page, action, new() { ["status"] = "paid" });
        var again = await admin.PostFormAsync(page, action, new() { ["status"] = "cancelled" });

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("This order is Cancelled now and cannot become Paid.", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(StepsOffered(await again.Content.ReadAsStringAsync()));
        Assert.Equal(10, await Platform.StockAsync(productId));
    }

    [Fact]
    public async Task Orders_can_be_listed_by_status_in_Korean_too()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        using var apiAdmin = await Platform.CreateClientAsync("admin");
        var paid = await OrderRequests.PlaceAsync(customer, productId, 1);
        var placed = await OrderRequests.PlaceAsync(customer, productId, 1);
        await OrderRequests.MoveAsync(apiAdmin, paid, "paid");
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var list = await admin.Client.GetStringAsync("/admin/orders?status=paid&lang=ko");

        Assert.Contains($"#{paid}<", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"#{placed}<", list, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/admin/orders?status=paid\" aria-current=\"page\">결제 완료</a>", list, StringComparison.Ordinal);
        Assert.Contains("상태별 보기", list, StringComparison.Ordinal);
    }

    /// <summary>The statuses the page offers a form for, in name order.</summary>
    private static List<string> StepsOffered(string page) =>
        [.. StepField().Matches(page).Select(match => match.Groups["status"].Value).Order(StringComparer.Ordinal)];

    [GeneratedRegex("<input type=\"hidden\" name=\"status\" value=\"(?<status>[a-z]+)\"")]
    private static partial Regex StepField();
}
