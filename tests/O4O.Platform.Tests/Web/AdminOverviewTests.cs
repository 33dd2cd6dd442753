using System.Globalization;
using System.Net.Http.Json;
using O4O.Platform.Tests.Orders;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class AdminOverviewTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task Sales_today_and_over_seven_days_leave_out_cancelled_refunded_and_older_orders()
    {
        var productId = await Platform.CreateProductAsync(stock: 100, price: 1000m);
        using var customer = await Platform.CreateClientAsync("customer");
        async Task<long> OrderAsync(int quantity) =>
            await OrderRequests.IdAsync(await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, quantity))));
        await OrderAsync(1);
        await OrderAsync(3);
        var cancelled = await OrderAsync(2);
        var refunded = await OrderAsync(4);
        var threeDaysAgo = await OrderAsync(5);
        var eightDaysAgo = await OrderAsync(7);
        await Platform.ScalarAsync($"UPDATE orders SET status = 'cancelled' WHERE id = {cancelled} RETURNING 0");
        await Platform.ScalarAsync($"UPDATE orders SET status = 'refunded' WHERE id = {refunded} RETURNING 0");
        await Platform.ScalarAsync($"UPDATE orders SET created_at = created_at - interval '3 days' WHERE id = {threeDaysAgo} RETURNING 0");
        await Platform.ScalarAsync($"UPDATE orders SET created_at = created_at - interval '8 days' WHERE id = {eightDaysAgo} RETURNING 0");
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var page = await admin.Client.GetStringAsync("/admin");

        Assert.Contains("<div id=\"sales-today\"><dt>Sales today</dt><dd class=\"amount\">₩4,000</dd><dd class=\"muted\">2 orders</dd></div>", page, StringComparison.Ordinal);
        Assert.Contains("<div id=\"sales-week\"><dt>Sales, last 7 days</dt><dd class=\"amount\">₩9,000</dd><dd class=\"muted\">3 orders</dd></div>", page, StringComparison.Ordinal);
        // The chart names itself and every day's figures are there as text: the hidden table, a row per day.
        Assert.Contains("role=\"img\" aria-labelledby=\"sales-chart-title\" aria-describedby=\"sales-chart-desc\"", page, StringComparison.Ordinal);
        Assert.Contains(": ₩9,000 in 3 orders.</desc>", page, StringComparison.Ordinal);
        Assert.Contains($"<tr><th scope=\"row\">{Day(-3)}</th><td>₩5,000</td><td>1</td></tr>", page, StringComparison.Ordinal);
        Assert.Contains($"<tr><th scope=\"row\">{Day(-6)}</th><td>₩0</td><td>0</td></tr>", page, StringComparison.Ordinal);
        Assert.DoesNotContain(Day(-8), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orders_are_counted_per_status_and_the_page_reads_in_Korean()
    {
        var productId = await Platform.CreateProductAsync(stock: 100, price: 12900m);
        using var customer = await Platform.CreateClientAsync("customer");
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await OrderRequests.IdAsync(await customer.PostAsJsonAsync("/api/v1/orders", OrderRequests.Items((productId, 1)))));
        }

        await Platform.ScalarAsync($"UPDATE orders SET status = 'shipped' WHERE id IN ({ids[0]}, {ids[1]}) RETURNING 0");
        await Platform.ScalarAsync($"UPDATE orders SET status = 'cancelled' WHERE id = {ids[2]} RETURNING 0");
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var english = await admin.Client.GetStringAsync("/admin");
        var korean = await admin.Client.GetStringAsync("/admin?lang=ko");

        Assert.Contains(StatusRow("shipped", "Shipped", 2), english, StringComparison.Ordinal);
        Assert.Contains(StatusRow("placed", "Placed", 1), english, StringComparison.Ordinal);
        Assert.Contains(StatusRow("cancelled", "Cancelled", 1), english, StringComparison.Ordinal);
        Assert.Contains("<dt>오늘 매출</dt><dd class=\"amount\">₩38,700</dd><dd class=\"muted\">주문 3건</dd>", korean, StringComparison.Ordinal);
        Assert.Contains(StatusRow("shipped", "배송됨", 2, "주문"), korean, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"status-heading\">상태별 주문</h2>", korean, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Products_at_or_under_the_threshold_are_listed_lowest_first_and_linked()
    {
        var none = await Platform.CreateProductAsync(stock: 0);
        var few = await Platform.CreateProductAsync(stock: 5);
        var enough = await Platform.CreateProductAsync(stock: 6);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var page = await admin.Client.GetStringAsync("/admin");
        var table = page[page.IndexOf("<table id=\"low-stock\">", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("</table>", StringComparison.Ordinal)];

        Assert.Contains("<h2 id=\"low-stock-heading\">Low stock (5 or fewer)</h2>", page, StringComparison.Ordinal);
        Assert.True(table.IndexOf($"href=\"/admin/products/{none}\"", StringComparison.Ordinal) is > 0 and var first
            && table.IndexOf($"href=\"/admin/products/{few}\"", StringComparison.Ordinal) > first);
        Assert.DoesNotContain($"href=\"/admin/products/{enough}\"", table, StringComparison.Ordinal);
    }

    private static string Day(int offset) =>
        DateOnly.FromDateTime(DateTime.Now).AddDays(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string StatusRow(string status, string label, int count, string column = "Orders") =>
        $"<tr><th scope=\"row\"><span class=\"status status-{status}\">{label}</span></th><td class=\"num\" data-label=\"{column}\">{count}</td></tr>";
}
