using System.Net;
using System.Net.Http.Json;
using O4O.Platform.Tests.Orders;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class AdminOrderTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
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
}
