using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using O4O.Platform.Products;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Components.Admin;

namespace O4O.Platform.Web.Admin;

/// <summary>Products in the console: list, search and filter, create, edit. Every change is logged with its admin.</summary>
internal static class AdminProductPages
{
    private const int PageSize = 20;

    public static async Task<RazorComponentResult<AdminProducts>> List(
        string? q, int? page, string? category, string? archived, ProductStore store, CancellationToken cancellationToken)
    {
        var search = SearchText.Clamp(q);
        var slug = ProductRules.IsSlug(category) ? category : null;
        var shown = archived is not null && ProductRules.ArchivedFilters.ContainsKey(archived) ? archived : "false";
        var (products, categories) = await store.BrowseAsync(SearchText.Page(page, PageSize),
            new ProductFilter(ProductRules.ToPattern(search), slug, ProductRules.ArchivedFilters[shown]), ProductRules.Sorts["newest"], cancellationToken);
        return new(new { Products = products, Categories = categories, Query = search, Category = slug, Archived = shown });
    }

    public static async Task<RazorComponentResult<AdminProductEdit>> New(AdminCatalogue catalogue, CancellationToken cancellationToken) =>
        await catalogue.EditorAsync(null, new ProductForm(null, null, null, null, "0"), EditorState.Clean, cancellationToken);

    public static async Task<Results<RazorComponentResult<AdminProductEdit>, RazorComponentResult<NotFoundPage>>> Edit(
        long id, bool? saved, AdminCatalogue catalogue, CancellationToken cancellationToken) =>
        await catalogue.Products.FindAsync(id, cancellationToken) is { } product
            ? await catalogue.EditorAsync(product, ProductForm.From(product), EditorState.Clean with { Saved = saved == true }, cancellationToken)
            : StorefrontPages.NotFound();

    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminProductEdit>>> Create(
        [FromForm] string? sku, [FromForm] string? name, [FromForm] string? description, [FromForm] string? price, [FromForm] string? stock,
        [FromForm] string? categoryId, AdminCatalogue catalogue, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        var form = new ProductForm(sku, name, description, price, stock, categoryId);
        var invalid = ProductForm.Invalid(form.ToInput());
        if (invalid.Count > 0)
        {
            return await catalogue.EditorAsync(null, form, new EditorState(invalid), cancellationToken, StatusCodes.Status400BadRequest);
        }

        try
        {
            var product = await catalogue.Products.CreateAsync(form.ToInput(), cancellationToken);
            Log(loggers).LogInformation("Admin {Admin} created product {ProductId} ({Sku}) with stock {Stock}",
                context.User.Identity?.Name, product.Id, product.Sku, product.Stock);
            return Saved(product.Id);
        }
        catch (PostgresException exception) when (Refused(exception) is { } field)
        {
            return await catalogue.EditorAsync(null, form, new EditorState(new HashSet<string> { field }), cancellationToken,
                field == "sku-taken" ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
        }
    }

    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminProductEdit>, RazorComponentResult<NotFoundPage>>> Update(
        long id, [FromForm] string? name, [FromForm] string? description, [FromForm] string? price, [FromForm] string? categoryId,
        AdminCatalogue catalogue, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        if (await catalogue.Products.FindAsync(id, cancellationToken) is not { } product)
        {
            return StorefrontPages.NotFound();
        }

        var form = ProductForm.From(product) with { Name = name, Description = description ?? "", Price = price, CategoryId = categoryId };
        var invalid = ProductForm.Invalid(form.ToInput());
        if (invalid.Count > 0)
        {
            return await catalogue.EditorAsync(product, form, new EditorState(invalid), cancellationToken, StatusCodes.Status400BadRequest);
        }

        Product? updated;
        try
        {
            updated = await catalogue.Products.UpdateDetailsAsync(id, form.ToInput(), cancellationToken);
        }
        catch (PostgresException exception) when (Refused(exception) is { } field)
        {
            return await catalogue.EditorAsync(product, form, new EditorState(new HashSet<string> { field }), cancellationToken, StatusCodes.Status400BadRequest);
        }

        if (updated is null)
        {
            return StorefrontPages.NotFound();
        }

        Log(loggers).LogInformation("Admin {Admin} edited product {ProductId} ({Sku}): price {OldPrice} -> {NewPrice}, category {OldCategory} -> {NewCategory}",
            context.User.Identity?.Name, id, updated.Sku, product.Price, updated.Price, product.CategoryId, updated.CategoryId);
        return Saved(id);
    }

    public static RedirectHttpResult Saved(long id) => TypedResults.LocalRedirect($"/admin/products/{id}?saved=true");

    public static ILogger Log(ILoggerFactory loggers) => loggers.CreateLogger(typeof(AdminProductPages));

    /// <summary>The field a refused write is about: a taken sku, or a category removed since the form was shown.</summary>
    private static string? Refused(PostgresException exception) => exception.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => "sku-taken",
        PostgresErrorCodes.ForeignKeyViolation => "categoryId",
        _ => null,
    };
}
