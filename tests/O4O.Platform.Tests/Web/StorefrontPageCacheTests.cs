using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using O4O.Platform.Web;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

/// <summary>The listing a visitor with no session and no cart gets is a copy: fast, never another visitor's token, never stale after a write.</summary>
public sealed partial class StorefrontPageCacheTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task A_change_made_past_the_platform_shows_after_the_next_write_through_it_and_not_before()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var visitor = Platform.CreateClient();
        var name = $"Renamed outside {Guid.NewGuid():N}";

        var before = await visitor.GetStringAsync("/?sort=newest");
        var clock = Stopwatch.StartNew();
        await Platform.ScalarAsync($"UPDATE products SET name = '{name}' WHERE id = {id} RETURNING id");
        var copy = await visitor.GetStringAsync("/?sort=newest");
        var copyAge = clock.Elapsed;
        await Platform.CreateProductAsync(stock: 1);
        var after = await visitor.GetStringAsync("/?sort=newest");

        Assert.Contains($"id=\"product-{id}\"", before, StringComparison.Ordinal);
        // A machine that stalls past the copy's lifetime renders the page again: then the new name is right too.
        Assert.True(!copy.Contains(name, StringComparison.Ordinal) || copyAge >= StorefrontPageCache.Lifetime, "a copy served within its lifetime");
        Assert.Contains(name, after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_visitors_get_their_own_token_in_the_copy_and_both_add_to_the_cart_from_the_listing()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var first = ConsoleSession.Open(Platform);
        using var second = ConsoleSession.Open(Platform);

        var firstPage = await first.Client.GetStringAsync("/?sort=newest");
        var secondPage = await second.Client.GetStringAsync("/?sort=newest");
        var firstAdded = await first.PostFormAsync("/?sort=newest", "/cart/items", new() { ["productId"] = $"{id}" });
        var secondAdded = await second.PostFormAsync("/?sort=newest", "/cart/items", new() { ["productId"] = $"{id}" });

        Assert.NotEqual(Token().Match(firstPage).Value, Token().Match(secondPage).Value);
        Assert.Equal(firstPage.Replace(Token().Match(firstPage).Value, "", StringComparison.Ordinal),
            secondPage.Replace(Token().Match(secondPage).Value, "", StringComparison.Ordinal));
        foreach (var added in new[] { firstAdded, secondAdded })
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            Assert.Equal("/cart", added.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Contains($"/products/{id}", await added.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_visitor_with_a_cart_sees_its_count_and_not_the_copy_of_an_empty_one()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var shopper = ConsoleSession.Open(Platform);
        using var visitor = Platform.CreateClient();

        await shopper.PostFormAsync($"/products/{id}", "/cart/items", new() { ["productId"] = $"{id}", ["quantity"] = "2" });
        var empty = await visitor.GetStringAsync("/");
        var withCart = await shopper.Client.GetStringAsync("/");
        var emptyAgain = await visitor.GetStringAsync("/");

        Assert.Contains("<span class=\"cart-count\">0</span>", empty, StringComparison.Ordinal);
        Assert.Contains("<span class=\"cart-count\">2</span>", withCart, StringComparison.Ordinal);
        Assert.Contains("<span class=\"cart-count\">0</span>", emptyAgain, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"[^\"]+\"")]
    private static partial Regex Token();
}
