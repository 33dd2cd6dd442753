using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Platform.Http;
using O4O.Platform.Products;
using O4O.Platform.Web.Components;

namespace O4O.Platform.Web;

internal static class StorefrontPages
{
    private const int PageSize = 12;

    public static async Task<RazorComponentResult<Storefront>> Home(
        string? q, int? page, ProductStore store, CancellationToken cancellationToken)
    {
        // A page is forgiving where the API is strict: odd input is clamped rather than refused.
        var search = InputText.IsClean(q) ? q?.Trim() : string.Concat(q!.Where(c => !char.IsControl(c))).Trim();
        if (search?.Length > ProductRules.MaxSearchLength)
        {
            search = search[..ProductRules.MaxSearchLength];
        }

        var request = new PageRequest(Math.Clamp(page ?? 1, 1, PageRequest.MaxPage), PageSize);
        var products = await store.ListAsync(request, ProductRules.ToPattern(search), ProductRules.Sorts["name"], cancellationToken);
        return new RazorComponentResult<Storefront>(new { Products = products, Query = search });
    }

    public static async Task<Results<RazorComponentResult<ProductPage>, RazorComponentResult<NotFoundPage>>> Product(
        long id, ProductStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } product
            ? new RazorComponentResult<ProductPage>(new { Product = product })
            : new RazorComponentResult<NotFoundPage>() { StatusCode = StatusCodes.Status404NotFound };
}
