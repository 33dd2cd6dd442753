using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Platform.Products;
using O4O.Platform.Web.Components;

namespace O4O.Platform.Web;

internal static class StorefrontPages
{
    private const int PageSize = 12;

    public static async Task<RazorComponentResult<Storefront>> Home(
        string? q, int? page, ProductStore store, CancellationToken cancellationToken)
    {
        var search = SearchText.Clamp(q);
        var products = await store.ListAsync(SearchText.Page(page, PageSize), ProductRules.ToPattern(search), ProductRules.Sorts["name"], cancellationToken);
        return new RazorComponentResult<Storefront>(new { Products = products, Query = search });
    }

    public static async Task<Results<RazorComponentResult<ProductPage>, RazorComponentResult<NotFoundPage>>> Product(
        long id, ProductStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } product
            ? new RazorComponentResult<ProductPage>(new { Product = product })
            : NotFound();

    public static RazorComponentResult<NotFoundPage> NotFound() => new() { StatusCode = StatusCodes.Status404NotFound };
}
