using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using O4O.Platform.Products;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Components.Admin;

namespace O4O.Platform.Web.Admin;

/// <summary>Products in the console: list and search, create, edit, stocktake. Every change is logged with its admin.</summary>
internal static class AdminProductPages
{
    private const int PageSize = 20;

    public static async Task<RazorComponentResult<AdminProducts>> List(string? q, int? page, ProductStore store, CancellationToken cancellationToken)
    {
        var search = SearchText.Clamp(q);
        var products = await store.ListAsync(SearchText.Page(page, PageSize), ProductRules.ToPattern(search), ProductRules.Sorts["newest"], cancellationToken);
        return new(new { Products = products, Query = search });
    }

    public static RazorComponentResult<AdminProductEdit> New() => Editor(null, new ProductForm(null, null, null, null, "0"));

    public static async Task<Results<RazorComponentResult<AdminProductEdit>, RazorComponentResult<NotFoundPage>>> Edit(
        long id, bool? saved, ProductStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } product
            ? Editor(product, ProductForm.From(product), saved: saved == true)
            : StorefrontPages.NotFound();

    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminProductEdit>>> Create(
        [FromForm] string? sku, [FromForm] string? name, [FromForm] string? description, [FromForm] string? price, [FromForm] string? stock,
        ProductStore store, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        var form = new ProductForm(sku, name, description, price, stock);
        var invalid = ProductForm.Invalid(form.ToInput());
        if (invalid.Count > 0)
        {
            return Editor(null, form, invalid, StatusCodes.Status400BadRequest);
        }

        try
        {
            var product = await store.CreateAsync(form.ToInput(), cancellationToken);
            Log(loggers).LogInformation("Admin {Admin} created product {ProductId} ({Sku}) with stock {Stock}",
                context.User.Identity?.Name, product.Id, product.Sku, product.Stock);
            return Saved(product.Id);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Editor(null, form, new HashSet<string> { "sku-taken" }, StatusCodes.Status409Conflict);
        }
    }

    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminProductEdit>, RazorComponentResult<NotFoundPage>>> Update(
        long id, [FromForm] string? name, [FromForm] string? description, [FromForm] string? price,
        ProductStore store, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } product)
        {
            return StorefrontPages.NotFound();
        }

        var form = ProductForm.From(product) with { Name = name, Description = description ?? "", Price = price };
        var invalid = ProductForm.Invalid(form.ToInput());
        if (invalid.Count > 0)
        {
            return Editor(product, form, invalid, StatusCodes.Status400BadRequest);
        }

        if (await store.UpdateDetailsAsync(id, form.Name!, form.Description!, form.ParsedPrice!.Value, cancellationToken) is not { } updated)
        {
            return StorefrontPages.NotFound();
        }

        Log(loggers).LogInformation("Admin {Admin} edited product {ProductId} ({Sku}): price {OldPrice} -> {NewPrice}",
            context.User.Identity?.Name, id, updated.Sku, product.Price, updated.Price);
        return Saved(id);
    }

    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminProductEdit>, RazorComponentResult<NotFoundPage>>> SetStock(
        long id, [FromForm] string? stock, ProductStore store, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } product)
        {
            return StorefrontPages.NotFound();
        }

        var form = ProductForm.From(product) with { Stock = stock };
        if (form.ParsedStock is not { } count || ProductForm.Invalid(form.ToInput()).Count > 0)
        {
            return Editor(product, form, new HashSet<string> { "stock" }, StatusCodes.Status400BadRequest);
        }

        if (await store.SetStockAsync(id, count, cancellationToken) is not { } previous)
        {
            return StorefrontPages.NotFound();
        }

        Log(loggers).LogInformation("Admin {Admin} set the stock of product {ProductId} ({Sku}) from {OldStock} to {NewStock}",
            context.User.Identity?.Name, id, product.Sku, previous, count);
        return Saved(id);
    }

    private static RedirectHttpResult Saved(long id) => TypedResults.LocalRedirect($"/admin/products/{id}?saved=true");

    private static RazorComponentResult<AdminProductEdit> Editor(
        Product? product, ProductForm form, IReadOnlySet<string>? invalid = null, int status = StatusCodes.Status200OK, bool saved = false) =>
        new(new { Product = product, Form = form, Invalid = invalid ?? new HashSet<string>(), Saved = saved }) { StatusCode = status };

    private static ILogger Log(ILoggerFactory loggers) => loggers.CreateLogger(typeof(AdminProductPages));
}
