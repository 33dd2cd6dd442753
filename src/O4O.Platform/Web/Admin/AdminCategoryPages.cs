using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using O4O.Platform.Products;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Components.Admin;

namespace O4O.Platform.Web.Admin;

/// <summary>
/// Categories in the console: the list with their products on sale, a form to add one and the same form to change one
/// (its names in English and Korean, its slug in the shop's addresses, its place in the storefront's order). Every change
/// is logged with its admin; the rules are the API's (<see cref="ProductRules.Validate(CategoryInput)"/>).
/// </summary>
internal static class AdminCategoryPages
{
    public static Task<RazorComponentResult<AdminCategories>> List(long? saved, CategoryStore store, CancellationToken cancellationToken) =>
        PageAsync(store, editing: null, CategoryForm.Empty, new HashSet<string>(), saved, StatusCodes.Status200OK, cancellationToken);

    public static async Task<Results<RazorComponentResult<AdminCategories>, RazorComponentResult<NotFoundPage>>> Edit(
        long id, CategoryStore store, CancellationToken cancellationToken) =>
        (await store.ListAsync(cancellationToken)).FirstOrDefault(category => category.Id == id) is { } category
            ? await PageAsync(store, category, CategoryForm.From(category), new HashSet<string>(), saved: null, StatusCodes.Status200OK, cancellationToken)
            : StorefrontPages.NotFound();

    public static Task<Results<RedirectHttpResult, RazorComponentResult<AdminCategories>, RazorComponentResult<NotFoundPage>>> Create(
        [FromForm] string? name, [FromForm] string? nameKo, [FromForm] string? slug, [FromForm] string? sortOrder,
        CategoryStore store, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken) =>
        SaveAsync(null, new CategoryForm(name, nameKo, slug, sortOrder), store, loggers, context, cancellationToken);

    public static Task<Results<RedirectHttpResult, RazorComponentResult<AdminCategories>, RazorComponentResult<NotFoundPage>>> Update(
        long id, [FromForm] string? name, [FromForm] string? nameKo, [FromForm] string? slug, [FromForm] string? sortOrder,
        CategoryStore store, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken) =>
        SaveAsync(id, new CategoryForm(name, nameKo, slug, sortOrder), store, loggers, context, cancellationToken);

    private static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminCategories>, RazorComponentResult<NotFoundPage>>> SaveAsync(
        long? id, CategoryForm form, CategoryStore store, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        var editing = id is null ? null : (await store.ListAsync(cancellationToken)).FirstOrDefault(category => category.Id == id);
        if (id is not null && editing is null)
        {
            return StorefrontPages.NotFound();
        }

        var invalid = form.Invalid();
        if (invalid.Count > 0)
        {
            return await PageAsync(store, editing, form, invalid, saved: null, StatusCodes.Status400BadRequest, cancellationToken);
        }

        try
        {
            var saved = editing is null
                ? await store.CreateAsync(form.ToInput(), cancellationToken)
                : await store.UpdateAsync(editing.Id, form.ToInput(), cancellationToken);
            if (saved is null)
            {
                return StorefrontPages.NotFound();
            }

            loggers.CreateLogger(typeof(AdminCategoryPages)).LogInformation("Admin {Admin} {Action} category {CategoryId} ({Slug})",
                context.User.Identity?.Name, editing is null ? "created" : "changed", saved.Id, saved.Slug);
            return TypedResults.LocalRedirect(string.Create(CultureInfo.InvariantCulture, $"/admin/categories?saved={saved.Id}"));
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return await PageAsync(store, editing, form, new HashSet<string> { "slug-taken" }, saved: null, StatusCodes.Status409Conflict, cancellationToken);
        }
    }

    private static async Task<RazorComponentResult<AdminCategories>> PageAsync(CategoryStore store, Category? editing, CategoryForm form,
        IReadOnlySet<string> invalid, long? saved, int status, CancellationToken cancellationToken)
    {
        var categories = await store.ListAsync(cancellationToken);
        return new(new
        {
            Categories = categories,
            ProductCounts = await store.ProductCountsAsync(cancellationToken),
            Editing = editing,
            Form = form,
            Invalid = invalid,
            Saved = categories.FirstOrDefault(category => category.Id == saved),
        })
        {
            StatusCode = status,
        };
    }
}
