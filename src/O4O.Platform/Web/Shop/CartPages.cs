using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using O4O.Platform.Carts;
using O4O.Platform.Products;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Resources;

namespace O4O.Platform.Web.Shop;

/// <summary>The cart page and its forms; every post antiforgery-checked by its form binding, every total computed here.</summary>
internal static class CartPages
{
    public static async Task<RazorComponentResult<CartPage>> Show(ShoppingCart carts, HttpContext context, CancellationToken cancellationToken) =>
        await Page(carts, context, cancellationToken);

    /// <summary>"Add to cart" on a product's page and in the listing.</summary>
    public static async Task<Results<RedirectHttpResult, RazorComponentResult<CartPage>, RazorComponentResult<NotFoundPage>>> Add(
        [FromForm] long productId, [FromForm] string? quantity,
        ShoppingCart carts, ProductStore products, HttpContext context, CancellationToken cancellationToken)
    {
        if (ParseQuantity(quantity ?? "1") is not { } count || count < 1)
        {
            return await Page(carts, context, cancellationToken, error: Text.Get(Text.ErrorQuantity, CartRules.MaxQuantity));
        }

        if (await products.FindAsync(productId, cancellationToken) is null or { Archived: true })
        {
            return StorefrontPages.NotFound();
        }

        return await carts.AddAsync(context, productId, count, cancellationToken)
            ? TypedResults.LocalRedirect("/cart")
            : await Page(carts, context, cancellationToken, error: Text.Get(Text.ErrorCartFull, CartRules.MaxLines), status: StatusCodes.Status409Conflict);
    }

    /// <summary>A line's form: its quantity changed (0 removes it), or its Remove button.</summary>
    public static async Task<Results<RedirectHttpResult, RazorComponentResult<CartPage>>> Change(
        long productId, [FromForm] string? quantity, [FromForm] string? remove,
        ShoppingCart carts, HttpContext context, CancellationToken cancellationToken)
    {
        var count = remove is not null ? 0 : ParseQuantity(quantity);
        if (count is not { } valid)
        {
            return await Page(carts, context, cancellationToken, invalidLine: productId);
        }

        await carts.SetAsync(context, productId, valid, cancellationToken);
        return TypedResults.LocalRedirect("/cart");
    }

    private static int? ParseQuantity(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) && quantity <= CartRules.MaxQuantity
            ? quantity
            : null;

    private static async Task<RazorComponentResult<CartPage>> Page(
        ShoppingCart carts, HttpContext context, CancellationToken cancellationToken,
        string? error = null, long? invalidLine = null, int status = StatusCodes.Status400BadRequest) =>
        new(new { Cart = await carts.ReadAsync(context, cancellationToken), Error = error, InvalidLine = invalidLine })
        {
            StatusCode = error is null && invalidLine is null ? StatusCodes.Status200OK : status,
        };
}
