using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using O4O.Platform.Auth;
using O4O.Platform.Products;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Components.Admin;
using O4O.Platform.Web.Resources;

namespace O4O.Platform.Web.Admin;

/// <summary>The product page's side forms: stock adjustment with a reason, picture upload, archive and bring back.</summary>
internal static class AdminProductActions
{
    /// <summary>The upload's request limit: above the picture's own, so a picture a little too big gets the page's message, not a bare 413.</summary>
    public const long MaxUploadRequestBytes = 16 * 1024 * 1024;

    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminProductEdit>, RazorComponentResult<NotFoundPage>>> AdjustStock(
        long id, [FromForm] string? delta, [FromForm] string? reason,
        AdminCatalogue catalogue, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        if (await catalogue.Products.FindAsync(id, cancellationToken) is not { } product)
        {
            return StorefrontPages.NotFound();
        }

        var parsed = TypedInteger.Parse(delta);
        var invalid = ProductRules.Validate(new StockAdjustmentInput(parsed, reason)).ToDictionary().Keys.ToHashSet(StringComparer.Ordinal);
        var state = EditorState.Clean with { Invalid = invalid, Delta = delta, Reason = reason };
        if (invalid.Count > 0)
        {
            return await catalogue.EditorAsync(product, ProductForm.From(product), state, cancellationToken, StatusCodes.Status400BadRequest);
        }

        var (outcome, _, stock) = await catalogue.Stock.AdjustAsync(id, parsed!.Value, reason!, context.User.UserId(), cancellationToken);
        switch (outcome)
        {
            case AdjustmentOutcome.NoProduct:
                return StorefrontPages.NotFound();
            case AdjustmentOutcome.BelowZero or AdjustmentOutcome.AboveMaximum:
                var error = outcome == AdjustmentOutcome.BelowZero
                    ? Text.Get(Text.ErrorBelowZero, stock!.Value)
                    : Text.Get(Text.ErrorAboveMaximum, ProductRules.MaxStock.ToString("N0", CultureInfo.CurrentCulture), stock!.Value);
                return await catalogue.EditorAsync(product with { Stock = stock.Value }, ProductForm.From(product),
                    state with { StockError = error }, cancellationToken, StatusCodes.Status409Conflict);
            default:
                AdminProductPages.Log(loggers).LogInformation("Admin {Admin} adjusted the stock of product {ProductId} ({Sku}) by {Delta} to {Stock}: {Reason}",
                    context.User.Identity?.Name, id, product.Sku, parsed, stock, reason!.Trim());
                return AdminProductPages.Saved(id);
        }
    }

    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminProductEdit>, RazorComponentResult<NotFoundPage>>> UploadImage(
        long id, IFormFile? image, AdminCatalogue catalogue, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        if (await catalogue.Products.FindAsync(id, cancellationToken) is not { } product)
        {
            return StorefrontPages.NotFound();
        }

        string? error = null;
        ImageOutcome? outcome = null;
        if (image is null || image.Length == 0)
        {
            error = Text.ErrorImageMissing;
        }
        else if (image.Length > ImageResizer.MaxBytes)
        {
            error = Text.ErrorImageTooLarge;
        }
        else
        {
            using var buffer = new MemoryStream((int)image.Length);
            await image.CopyToAsync(buffer, cancellationToken);
            outcome = await catalogue.Images.SaveAsync(id, buffer.ToArray(), cancellationToken);
            error = outcome switch
            {
                null => null,
                ImageOutcome.Resized => null,
                ImageOutcome.TooLarge => Text.ErrorImageTooLarge,
                ImageOutcome.TooManyPixels => Text.ErrorImagePixels,
                _ => Text.ErrorImageType,
            };
        }

        if (error is not null)
        {
            return await catalogue.EditorAsync(product, ProductForm.From(product), EditorState.Clean with { ImageError = error }, cancellationToken,
                StatusCodes.Status400BadRequest);
        }

        if (outcome is null)
        {
            return StorefrontPages.NotFound();
        }

        AdminProductPages.Log(loggers).LogInformation("Admin {Admin} uploaded a picture for product {ProductId} ({Sku}), {Bytes} bytes",
            context.User.Identity?.Name, id, product.Sku, image!.Length);
        return AdminProductPages.Saved(id);
    }

    /// <summary>Archive (<c>archived=true</c>) or bring back; a form field, so that binding it checks the antiforgery token.</summary>
    public static async Task<Results<RedirectHttpResult, RazorComponentResult<NotFoundPage>>> SetArchived(
        long id, [FromForm] bool archived, AdminCatalogue catalogue, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        if (await catalogue.Products.SetArchivedAsync(id, archived, cancellationToken) is not { } product)
        {
            return StorefrontPages.NotFound();
        }

        AdminProductPages.Log(loggers).LogInformation("Admin {Admin} {Action} product {ProductId} ({Sku})",
            context.User.Identity?.Name, archived ? "archived" : "brought back", id, product.Sku);
        return AdminProductPages.Saved(id);
    }
}
