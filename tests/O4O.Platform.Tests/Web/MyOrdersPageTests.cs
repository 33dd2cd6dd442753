using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed partial class MyOrdersPageTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task My_orders_lists_the_customers_own_orders_newest_first_a_page_at_a_time()
    {
        var kettle = await Platform.CreateProductAsync(stock: 100, price: 1000m);
        using var shopper = await Shopper.SignedInAsync(Platform);
        using var other = await Shopper.SignedInAsync(Platform);
        var mine = new List<long>();
        for (var i = 1; i <= 11; i++)
        {
            await shopper.AddAsync(kettle, i);
            mine.Add(await shopper.CheckOutAsync());
        }

        await other.AddAsync(kettle, 1);
        var theirs = await other.CheckOutAsync();

        var first = await shopper.Client.GetStringAsync("/orders");
        var second = await shopper.Client.GetStringAsync("/orders?page=2");
        var home = await shopper.Client.GetStringAsync("/");

        Assert.Equal([.. mine.AsEnumerable().Reverse().Take(10)], OrderLinks(first));
        Assert.Equal([mine[0]], OrderLinks(second));
        Assert.DoesNotContain($"/orders/{theirs}\"", first + second, StringComparison.Ordinal);
        Assert.Contains("<span class=\"status status-placed\">Placed</span>", first, StringComparison.Ordinal);
        Assert.Contains("₩11,000", first, StringComparison.Ordinal);
        Assert.Contains("rel=\"next\"", first, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/orders\">My orders</a>", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_customers_order_is_not_found_and_a_guest_is_sent_to_sign_in()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var owner = await Shopper.SignedInAsync(Platform);
        using var stranger = await Shopper.SignedInAsync(Platform);
        using var guest = ConsoleSession.Open(Platform, followRedirects: false);
        await owner.AddAsync(kettle, 1);
        var orderId = await owner.CheckOutAsync();

        var own = await owner.Client.GetAsync($"/orders/{orderId}");
        var theirs = await stranger.Client.GetAsync($"/orders/{orderId}");
        var anonymous = await guest.Client.GetAsync($"/orders/{orderId}");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.DoesNotContain("Test product", await theirs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/login", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_an_order_before_it_ships_returns_its_stock_and_shows_in_its_history()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var shopper = await Shopper.SignedInAsync(Platform);
        await shopper.AddAsync(kettle, 2);
        var orderId = await shopper.CheckOutAsync();
        var placed = await shopper.Client.GetStringAsync($"/orders/{orderId}");

        var response = await shopper.Session.PostFormAsync($"/orders/{orderId}", $"/orders/{orderId}/cancel", []);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("<button type=\"submit\" class=\"danger\">Cancel order</button>", placed, StringComparison.Ordinal);
        Assert.Equal($"/orders/{orderId}", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("The order is cancelled and its items are back in stock.", html, StringComparison.Ordinal);
        Assert.Contains("<dd><span class=\"status status-cancelled\">Cancelled</span></dd>", html, StringComparison.Ordinal);
        Assert.Equal(2, HistoryEntry().Count(html));
        Assert.DoesNotContain("Cancel order</button>", html, StringComparison.Ordinal);
        Assert.Equal(5, await Platform.StockAsync(kettle));
    }

    [Fact]
    public async Task A_shipped_order_shows_its_parcel_and_can_no_longer_be_cancelled()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var shopper = await Shopper.SignedInAsync(Platform);
        await shopper.AddAsync(kettle, 2);
        var orderId = await shopper.CheckOutAsync();
        using var admin = await Platform.CreateClientAsync("admin");
        foreach (var change in new object[] { new { status = "paid" }, new { status = "shipped", courier = "CJ대한통운", trackingNumber = "6012-3456-7890" } })
        {
            (await admin.PatchAsJsonAsync($"/api/v1/orders/{orderId}/status", change)).EnsureSuccessStatusCode();
        }

        var shipped = await shopper.Client.GetStringAsync($"/orders/{orderId}");
        var response = await shopper.Session.PostFormAsync($"/orders/{orderId}", $"/orders/{orderId}/cancel", []);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("<dt>Courier</dt><dd>CJ대한통운</dd>", shipped, StringComparison.Ordinal);
        Assert.Contains("<dt>Tracking number</dt><dd>6012-3456-7890</dd>", shipped, StringComparison.Ordinal);
        Assert.Equal(3, HistoryEntry().Count(shipped));
        Assert.DoesNotContain("Cancel order</button>", shipped, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("This order can no longer be cancelled", html, StringComparison.Ordinal);
        Assert.DoesNotContain(PlatformFactory.AdminEmail, shipped, StringComparison.Ordinal);
        Assert.Equal(3, await Platform.StockAsync(kettle));
    }

    [Fact]
    public async Task Another_customers_order_cannot_be_cancelled_nor_any_order_without_the_antiforgery_token()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var owner = await Shopper.SignedInAsync(Platform);
        using var stranger = await Shopper.SignedInAsync(Platform);
        await owner.AddAsync(kettle, 2);
        var orderId = await owner.CheckOutAsync();

        var theirs = await stranger.Session.PostFormAsync("/orders", $"/orders/{orderId}/cancel", []);
        var tokenless = await owner.Client.PostAsync($"/orders/{orderId}/cancel", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tokenless.StatusCode);
        Assert.Equal(3, await Platform.StockAsync(kettle));
        await using var connection = new NpgsqlConnection(Platform.ConnectionString);
        Assert.Equal("placed", await connection.QuerySingleAsync<string>("SELECT status FROM orders WHERE id = @orderId", new { orderId }));
    }

    /// <summary>The order numbers the list links to, in the list's order.</summary>
    private static List<long> OrderLinks(string html) =>
        [.. OrderLink().Matches(html).Select(match => long.Parse(match.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex("<li><span class=\"status status-")]
    private static partial Regex HistoryEntry();

    [GeneratedRegex("<th scope=\"row\"><a href=\"/orders/(?<id>[0-9]+)\">")]
    private static partial Regex OrderLink();
}
