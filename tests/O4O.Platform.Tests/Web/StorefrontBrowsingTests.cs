using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed partial class StorefrontBrowsingTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task A_category_link_shows_only_that_category_and_marks_itself_current()
    {
        using var client = Platform.CreateClient();

        var html = await client.GetStringAsync("/?category=coffee");

        Assert.Contains("<h1>Coffee</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/?category=coffee\" aria-current=\"page\">Coffee</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/?category=outdoor\">Outdoor</a>", html, StringComparison.Ordinal);
        Assert.Equal(5, ProductName().Count(html));
        Assert.Contains("House Espresso Blend 1 kg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Bamboo Cutting Board", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Korean_page_names_the_categories_in_Korean_and_falls_back_to_the_name_for_one_without_a_Korean_name()
    {
        using var admin = await Platform.CreateClientAsync("admin");
        using var created = await admin.PostAsJsonAsync("/api/v1/categories", new { name = "Gift boxes", slug = "gift-boxes", sortOrder = 99 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var client = Platform.CreateClient();

        var html = await client.GetStringAsync("/?category=tea&lang=ko");
        var product = await client.GetStringAsync("/products/1?lang=ko");
        var english = await client.GetStringAsync("/?category=tea&lang=en");

        Assert.Contains("<h1>차</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/?category=coffee\">커피</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/?category=gift-boxes\">Gift boxes</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/?category=tea\">차</a>", product, StringComparison.Ordinal);
        Assert.Contains("<h1>Tea</h1>", english, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("price", "Rolled Oats 1 kg")]
    [InlineData("price_desc", "Linen Bed Sheet Set Queen")]
    [InlineData("name", "Bamboo Cutting Board")]
    public async Task Sorting_puts_the_expected_product_first_and_the_select_keeps_the_choice(string sort, string first)
    {
        using var client = Platform.CreateClient();

        var html = await client.GetStringAsync($"/?sort={sort}");

        Assert.Equal(first, ProductName().Match(html).Groups["name"].Value);
        Assert.Contains($"<option value=\"{sort}\" selected", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Newest_first_lists_a_product_just_created_before_the_demo_and_keeps_the_sort_in_page_links()
    {
        var id = await Platform.CreateProductAsync(stock: 9);
        using var client = Platform.CreateClient();

        var html = await client.GetStringAsync("/?sort=newest");

        Assert.Equal($"product-{id}", ProductName().Match(html).Groups["id"].Value);
        Assert.Contains("href=\"/?sort=newest&amp;page=2\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Few_left_and_sold_out_show_on_the_card_and_page_and_sold_out_disables_the_button_in_both_languages()
    {
        var few = await Platform.CreateProductAsync(stock: 3);
        var none = await Platform.CreateProductAsync(stock: 0);
        using var client = Platform.CreateClient();

        var list = await client.GetStringAsync("/?q=Test+product");
        var fewPage = await client.GetStringAsync($"/products/{few}");
        var nonePage = await client.GetStringAsync($"/products/{none}");
        var korean = await client.GetStringAsync($"/products/{few}?lang=ko");
        var koreanSoldOut = await client.GetStringAsync($"/products/{none}");

        Assert.Contains("<div class=\"stock few-left\">3 left</div>", list, StringComparison.Ordinal);
        Assert.Contains("<div class=\"stock sold-out\">Sold out</div>", list, StringComparison.Ordinal);
        Assert.Contains($"<button type=\"button\" disabled aria-describedby=\"product-{none}\">Add to cart</button>", list, StringComparison.Ordinal);
        Assert.Contains("<p class=\"stock few-left\">3 left</p>", fewPage, StringComparison.Ordinal);
        Assert.Contains("<button type=\"button\" disabled", nonePage, StringComparison.Ordinal);
        Assert.DoesNotContain("action=\"/cart/items\"", nonePage, StringComparison.Ordinal);
        Assert.Contains("3개 남음", korean, StringComparison.Ordinal);
        Assert.Contains("품절", koreanSoldOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_picture_a_card_shows_a_placeholder_and_the_product_page_links_its_category()
    {
        using var client = Platform.CreateClient();

        var list = await client.GetStringAsync("/?q=TEA-001");
        var page = await client.GetStringAsync("/products/1");

        Assert.Contains("<span class=\"thumb placeholder\" aria-hidden=\"true\"", list, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/?category=tea\">Tea</a>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Odd_category_and_sort_values_fall_back_to_the_whole_catalogue_by_name()
    {
        using var client = Platform.CreateClient();

        var response = await client.GetAsync("/?category=%27%20OR%201%3D1&sort=id;DROP%20TABLE%20products");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bamboo Cutting Board", ProductName().Match(await response.Content.ReadAsStringAsync()).Groups["name"].Value);
    }

    [GeneratedRegex("<a class=\"product-name\" id=\"(?<id>product-\\d+)\" href=\"/products/\\d+\">(?<name>[^<]+)</a>")]
    private static partial Regex ProductName();
}
