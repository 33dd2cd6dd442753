using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Platform.Products;
using O4O.Platform.Web.Components;

namespace O4O.Platform.Web;

internal static class StorefrontPages
{
    private const int PageSize = 12;

    /// <summary>The sorts a customer can pick, in the order the page offers them.</summary>
    public static readonly string[] Sorts = ["name", "price", "price_desc", "newest"];

    /// <summary>The listing: one round trip for the products, their count and the categories (the page is benchmarked).</summary>
    public static async Task<RazorComponentResult<Storefront>> Home(
        string? q, int? page, string? category, string? sort, ProductStore store, CancellationToken cancellationToken)
    {
        var search = SearchText.Clamp(q);
        var slug = ProductRules.IsSlug(category) ? category : null;
        var order = sort is not null && Sorts.Contains(sort) ? sort : Sorts[0];
        var (products, categories) = await store.BrowseAsync(
            SearchText.Page(page, PageSize), new ProductFilter(ProductRules.ToPattern(search), slug), ProductRules.Sorts[order], cancellationToken);
        return new RazorComponentResult<Storefront>(new { Products = products, Categories = categories, Query = search, Category = slug, Sort = order });
    }

    /// <summary>A product's page; an archived one is gone from the shop (its orders still show it).</summary>
    public static async Task<Results<RazorComponentResult<ProductPage>, RazorComponentResult<NotFoundPage>>> Product(
        long id, ProductStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { Archived: false } product
            ? new RazorComponentResult<ProductPage>(new { Product = product })
            : NotFound();

    public static RazorComponentResult<NotFoundPage> NotFound() => new() { StatusCode = StatusCodes.Status404NotFound };
}
