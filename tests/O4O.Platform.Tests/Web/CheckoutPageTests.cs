using System.Net;
using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class CheckoutPageTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task Placing_the_order_empties_the_cart_takes_the_stock_and_shows_the_confirmation()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5, price: 12900m);
        var cups = await Platform.CreateProductAsync(stock: 5, price: 4500m);
        using var shopper = await Shopper.SignedInAsync(Platform);
        await shopper.AddAsync(kettle, 2);
        await shopper.AddAsync(cups, 1);

        var form = await shopper.CheckoutFormAsync();
        var response = await shopper.PostCheckoutAsync(form);
        var html = await response.Content.ReadAsStringAsync();
        var orderId = Shopper.OrderIdOf(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Thank you! Your order is placed.", html, StringComparison.Ordinal);
        Assert.Contains("₩30,300", html, StringComparison.Ordinal);
        Assert.Equal(30300m, await Connection().QuerySingleAsync<decimal>("SELECT total FROM orders WHERE id = @orderId", new { orderId }));
        Assert.Equal(form["idempotencyKey"], await Connection().QuerySingleAsync<string>("SELECT idempotency_key FROM orders WHERE id = @orderId", new { orderId }));
        Assert.Equal(3, await Platform.StockAsync(kettle));
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM cart_items"));
        Assert.Contains("<span class=\"cart-count\">0</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_checkout_page_labels_every_field_and_totals_the_cart_on_the_server()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5, price: 12900m);
        using var shopper = await Shopper.SignedInAsync(Platform);
        await shopper.AddAsync(kettle, 2);

        var html = await shopper.Client.GetStringAsync("/checkout");

        foreach (var (id, label) in new[] { ("recipient", "Recipient"), ("phone", "Phone"), ("postalCode", "Postal code"), ("address", "Address"), ("addressDetail", "Address detail") })
        {
            Assert.Contains($"<label for=\"{id}\">{label}</label>", html, StringComparison.Ordinal);
        }

        Assert.Contains("<label for=\"deliveryNote\">Delivery note (optional)</label>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num total\">₩25,800</td>", html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"submit\" class=\"wide\">Place order</button>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_form_posted_twice_places_one_order_and_both_land_on_its_confirmation()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var shopper = await Shopper.SignedInAsync(Platform);
        await shopper.AddAsync(kettle, 1);
        var form = await shopper.CheckoutFormAsync();

        var first = await shopper.PostCheckoutAsync(form);
        // The customer added something else before the resubmit: the old form still means the order it placed.
        await shopper.AddAsync(kettle, 1);
        var second = await shopper.PostCheckoutAsync(form);

        Assert.Equal(Shopper.OrderIdOf(first), Shopper.OrderIdOf(second));
        Assert.Equal(1, await Platform.ScalarAsync("SELECT count(*) FROM orders"));
        Assert.Equal(4, await Platform.StockAsync(kettle));
        Assert.Equal(1, await Platform.ScalarAsync("SELECT coalesce(sum(quantity), 0) FROM cart_items"));
    }

    [Fact]
    public async Task A_double_click_posts_the_form_twice_at_once_and_places_one_order()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var shopper = await Shopper.SignedInAsync(Platform, followRedirects: false);
        await shopper.AddAsync(kettle, 2);
        var form = await shopper.CheckoutFormAsync();

        var posts = await Task.WhenAll(shopper.PostCheckoutAsync(form), shopper.PostCheckoutAsync(form));

        Assert.All(posts, post => Assert.Equal(HttpStatusCode.Redirect, post.StatusCode));
        Assert.Equal(Shopper.OrderIdOf(posts[0]), Shopper.OrderIdOf(posts[1]));
        Assert.Equal(1, await Platform.ScalarAsync("SELECT count(*) FROM orders"));
        Assert.Equal(3, await Platform.StockAsync(kettle));
    }

    [Fact]
    public async Task A_line_short_of_stock_is_explained_beside_it_and_the_cart_and_the_address_are_kept()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        var cups = await Platform.CreateProductAsync(stock: 5);
        var plates = await Platform.CreateProductAsync(stock: 5);
        using var shopper = await Shopper.SignedInAsync(Platform);
        await shopper.AddAsync(kettle, 3);
        await shopper.AddAsync(cups, 1);
        await shopper.AddAsync(plates, 1);
        var form = await shopper.CheckoutFormAsync();
        // Someone else bought them in the meantime.
        await Connection().ExecuteAsync("UPDATE products SET stock = CASE WHEN id = @kettle THEN 2 ELSE 0 END WHERE id IN (@kettle, @cups)", new { kettle, cups });

        var response = await shopper.PostCheckoutAsync(form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Some products do not have enough stock left.", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"stock sold-out\">Only 2 left</div>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"stock sold-out\">Sold out</div>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"서울특별시 강남구 테헤란로 152\"", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{form["idempotencyKey"]}\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM orders"));
        Assert.Equal(5, await Platform.ScalarAsync("SELECT sum(quantity) FROM cart_items"));
        Assert.Equal(5, await Platform.StockAsync(plates));
    }

    [Fact]
    public async Task Refused_fields_are_explained_beside_them_in_Korean_with_what_was_typed_kept()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var shopper = await Shopper.SignedInAsync(Platform);
        await shopper.AddAsync(kettle, 1);
        var form = await shopper.CheckoutFormAsync("/checkout?lang=ko");
        form["recipient"] = " ";
        form["phone"] = "12-34";
        form["postalCode"] = "1234";
        form["deliveryNote"] = new string('가', 201);

        var response = await shopper.PostCheckoutAsync(form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<p class=\"alert\" role=\"alert\">표시된 항목을 고쳐 주세요.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p id=\"recipient-error\" class=\"field-error\">받는 분 이름을 50자 이내로 입력하세요.</p>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"12-34\" inputmode=\"tel\" autocomplete=\"shipping tel\" required aria-invalid=\"true\" aria-describedby=\"phone-error\"", html, StringComparison.Ordinal);
        Assert.Contains("<p id=\"postalCode-error\" class=\"field-error\">5자리 우편번호를 입력하세요.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p id=\"deliveryNote-error\" class=\"field-error\">200자 이내로 입력하세요.</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("address-error", html, StringComparison.Ordinal);
        Assert.Contains("value=\"서울특별시 강남구 테헤란로 152\"", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{form["idempotencyKey"]}\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM orders"));
        Assert.Equal(1, await Platform.ScalarAsync("SELECT count(*) FROM cart_items"));
    }

    [Fact]
    public async Task The_confirmation_shows_the_address_the_order_was_placed_with()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var shopper = await Shopper.SignedInAsync(Platform);
        await shopper.AddAsync(kettle, 1);

        var orderId = await shopper.CheckOutAsync();
        var html = await shopper.Client.GetStringAsync($"/orders/{orderId}");

        Assert.Contains("<strong>김민지</strong>", html, StringComparison.Ordinal);
        Assert.Contains("(06236) 서울특별시 강남구 테헤란로 152 12층 1203호", html, StringComparison.Ordinal);
        Assert.Contains("문 앞에 놓아 주세요.", html, StringComparison.Ordinal);
        Assert.Equal("김민지", await Connection().QuerySingleAsync<string>("SELECT recipient FROM orders WHERE id = @orderId", new { orderId }));
    }

    [Fact]
    public async Task A_guest_is_sent_to_sign_in_and_comes_back_to_the_checkout_with_the_cart_joined()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5, price: 100m);
        var (email, password) = await Platform.RegisterCustomerAsync();
        using var guest = new Shopper(ConsoleSession.Open(Platform, followRedirects: false));
        await guest.AddAsync(kettle, 2);

        var checkout = await guest.Client.GetAsync("/checkout");
        var signIn = await guest.SignInAsync(email, password, returnUrl: "/checkout");
        var html = await guest.Client.GetStringAsync("/checkout");

        Assert.Equal(HttpStatusCode.Redirect, checkout.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fcheckout", checkout.Headers.Location!.PathAndQuery);
        Assert.Equal("/checkout", signIn.Headers.Location!.OriginalString);
        Assert.Contains("<td class=\"num total\">₩200</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_checkout_form_refuses_a_post_without_its_antiforgery_token()
    {
        var kettle = await Platform.CreateProductAsync(stock: 5);
        using var shopper = await Shopper.SignedInAsync(Platform);
        await shopper.AddAsync(kettle, 1);
        var form = await shopper.CheckoutFormAsync();
        form.Remove(form.Keys.Single(name => name.StartsWith("__RequestVerificationToken", StringComparison.Ordinal)));

        var response = await shopper.PostCheckoutAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM orders"));
    }

    private NpgsqlConnection Connection() => new(Platform.ConnectionString);
}
