using System.Net;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class AdminCategoryTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task An_admin_adds_a_category_with_its_Korean_name_and_renames_it_and_the_shop_shows_both_names()
    {
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var slug = $"gifts-{Guid.NewGuid():N}"[..20];

        var added = await admin.PostFormAsync("/admin/categories", "/admin/categories",
            new() { ["name"] = "Gift boxes", ["nameKo"] = "선물 상자", ["slug"] = slug, ["sortOrder"] = "80" });
        var id = await Platform.ScalarAsync($"SELECT id FROM categories WHERE slug = '{slug}'");
        var renamed = await admin.PostFormAsync($"/admin/categories/{id}", $"/admin/categories/{id}",
            new() { ["name"] = "Gift sets", ["nameKo"] = "선물 세트", ["slug"] = slug, ["sortOrder"] = "−5" });
        using var shopper = Platform.CreateClient();
        var korean = await shopper.GetStringAsync($"/?category={slug}&lang=ko");
        var english = await shopper.GetStringAsync($"/?category={slug}&lang=en");

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Contains("Saved the category Gift boxes.", await added.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Saved the category Gift sets.", await renamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(-5, await Platform.ScalarAsync($"SELECT sort_order FROM categories WHERE id = {id}"));
        Assert.Contains("<h1>선물 세트</h1>", korean, StringComparison.Ordinal);
        Assert.Contains("<h1>Gift sets</h1>", english, StringComparison.Ordinal);
        Assert.Contains($"Admin admin@o4o.test changed category {id} ({slug})", Platform.ReadLog("app.log"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_fields_are_marked_and_a_taken_slug_is_a_conflict_and_nothing_is_written()
    {
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var before = await Platform.ScalarAsync("SELECT count(*) FROM categories");

        var invalid = await admin.PostFormAsync("/admin/categories", "/admin/categories",
            new() { ["name"] = " ", ["slug"] = "Gifts & Co", ["sortOrder"] = "first" });
        var taken = await admin.PostFormAsync("/admin/categories", "/admin/categories",
            new() { ["name"] = "More tea", ["slug"] = "tea", ["sortOrder"] = "0" });
        var missing = await admin.Client.GetAsync("/admin/categories/999999");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var page = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("Enter a name of at most 100 characters.", page, StringComparison.Ordinal);
        Assert.Contains("as in green-tea.", page, StringComparison.Ordinal);
        Assert.Contains("value=\"first\"", page, StringComparison.Ordinal);
        Assert.Contains("Enter a whole number from -1,000,000 to 1,000,000.", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains("Another category already has this slug.", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(before, await Platform.ScalarAsync("SELECT count(*) FROM categories"));
    }

    [Fact]
    public async Task The_list_counts_each_categorys_products_on_sale_and_a_customer_cannot_open_it()
    {
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var (email, password) = await Platform.RegisterCustomerAsync();
        using var customer = ConsoleSession.Open(Platform, followRedirects: false);
        await customer.SignInAsync(email, password);

        var list = await admin.Client.GetStringAsync("/admin/categories?lang=ko");
        var refused = await customer.Client.GetAsync("/admin/categories");

        Assert.Matches("<th scope=\"row\"><a href=\"/\\?category=tea\">Tea</a></th>\\s*<td data-label=\"한국어 이름\">차</td>", list);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
    }
}
