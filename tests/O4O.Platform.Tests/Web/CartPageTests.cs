using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed partial class CartPageTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task A_guest_adds_to_the_cart_and_the_page_totals_it_at_todays_prices()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5, price: 12900m);
        var cups = await Platform.CreateProductAsync(stock: 5, price: 4500m);
        using var guest = ConsoleSession.Open(Platform);

        await AddAsync(guest, kettle, 2);
        var added = await AddAsync(guest, cups, 1);
        await SetPriceAsync(cups, 5000m);
        var html = await guest.Client.GetStringAsync("/cart");

        Assert.Equal("/cart", added.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("30800", Total(html));
        Assert.Contains("<span class=\"cart-count\">3</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_a_quantity_and_removing_a_line_change_the_total_and_the_count()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5, price: 100m);
        var cups = await Platform.CreateProductAsync(stock: 5, price: 10m);
        using var guest = ConsoleSession.Open(Platform);
        await AddAsync(guest, kettle, 1);
        await AddAsync(guest, cups, 1);

        await guest.PostFormAsync("/cart", $"/cart/items/{kettle}", new() { ["quantity"] = "3" });
        var removed = await guest.PostFormAsync("/cart", $"/cart/items/{cups}", new() { ["quantity"] = "1", ["remove"] = "true" });
        var html = await removed.Content.ReadAsStringAsync();

        Assert.Equal("300", Total(html));
        Assert.Contains("<span class=\"cart-count\">3</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"/products/{cups}", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quantity_out_of_range_is_explained_beside_its_line()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var guest = ConsoleSession.Open(Platform);
        await AddAsync(guest, kettle, 1);

        var response = await guest.PostFormAsync("/cart?lang=ko", $"/cart/items/{kettle}", new() { ["quantity"] = "100" });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"aria-invalid=\"true\" aria-describedby=\"quantity-{kettle}-error\"", html, StringComparison.Ordinal);
        Assert.Contains($"<p id=\"quantity-{kettle}-error\" class=\"field-error\">0~99 사이의 수량을 입력하세요.</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_guest_cart_joins_the_customer_cart_at_sign_in_and_follows_them_to_another_device()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5, price: 100m);
        var cups = await Platform.CreateProductAsync(stock: 5, price: 10m);
        var (email, password) = await Platform.RegisterCustomerAsync();
        using (var laptop = ConsoleSession.Open(Platform))
        {
            await SignInAsync(laptop, email, password);
            await AddAsync(laptop, kettle, 1);
        }

        using var phone = ConsoleSession.Open(Platform);
        await AddAsync(phone, kettle, 2);
        await AddAsync(phone, cups, 1);
        await SignInAsync(phone, email, password);
        await phone.PostFormAsync("/", "/logout", []);
        var phoneSignedOut = await phone.Client.GetStringAsync("/cart");
        using var tablet = ConsoleSession.Open(Platform);
        await SignInAsync(tablet, email, password);
        var elsewhere = await tablet.Client.GetStringAsync("/cart");

        Assert.Contains("Your cart is empty.", phoneSignedOut, StringComparison.Ordinal);
        Assert.Equal("310", Total(elsewhere));
        Assert.Equal(
            [(kettle, 3), (cups, 1)],
            await Connection().QueryAsync<(long, int)>("SELECT product_id, quantity FROM cart_items ORDER BY product_id"));
    }

    [Fact]
    public async Task A_changed_cart_cookie_is_read_for_what_it_validly_holds_and_no_more()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5, price: 100m);
        using var guest = Platform.CreateClient(new() { HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cart");
        request.Headers.Add("Cookie", $"o4o_cart=abc.{kettle}:2.{kettle}:7.1:1000.99999999:1.-3:1");

        var html = await (await guest.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Equal("200", Total(html));
        Assert.DoesNotContain("href=\"/products/1\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adding_without_the_antiforgery_token_is_refused_and_adds_nothing()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var client = Platform.CreateClient();

        var response = await client.PostAsync("/cart/items", new FormUrlEncodedContent(new Dictionary<string, string> { ["productId"] = $"{kettle}" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(cookie => cookie.StartsWith("o4o_cart=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Adding_a_product_that_does_not_exist_is_404()
    {
        using var guest = ConsoleSession.Open(Platform);

        var response = await guest.PostFormAsync("/", "/cart/items", new() { ["productId"] = "99999999" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static Task<HttpResponseMessage> AddAsync(ConsoleSession session, long productId, int quantity) =>
        session.PostFormAsync($"/products/{productId}", "/cart/items", new() { ["productId"] = $"{productId}", ["quantity"] = $"{quantity}" });

    private static Task<HttpResponseMessage> SignInAsync(ConsoleSession session, string email, string password) =>
        session.PostFormAsync("/login", "/login", new() { ["email"] = email, ["password"] = password });

    private async Task SetPriceAsync(long productId, decimal price) =>
        await Connection().ExecuteAsync("UPDATE products SET price = @price WHERE id = @productId", new { price, productId });

    private NpgsqlConnection Connection() => new(Platform.ConnectionString);

    /// <summary>The cart's total as the page shows it, its digits and decimal point only.</summary>
    private static string Total(string html)
    {
        var total = CartTotal().Match(html);
        Assert.True(total.Success, html);
        return new string([.. total.Groups["total"].Value.Where(c => char.IsAsciiDigit(c) || c == '.')]);
    }

    [GeneratedRegex("<td class=\"num total\"[^>]*>(?<total>[^<]+)</td>")]
    private static partial Regex CartTotal();
}
