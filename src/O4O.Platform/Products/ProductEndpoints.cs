using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using O4O.Platform.Auth;
using O4O.Platform.Http;

namespace O4O.Platform.Products;

public static class ProductEndpoints
{
    public static IServiceCollection AddProducts(this IServiceCollection services) => services
        .AddSingleton<ProductStore>()
        .AddSingleton<CategoryStore>()
        .AddSingleton<StockStore>()
        .AddProductImages();

    public static IEndpointRouteBuilder MapProducts(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/api/v1/products").WithTags("Products");
        products.MapGet("", List);
        products.MapGet("/{id:long}", Get);
        products.MapPost("", Create).RequireAuthorization(Policies.Admin);
        products.MapPut("/{id:long}", Update).RequireAuthorization(Policies.Admin);
        products.MapPatch("/{id:long}", Patch).RequireAuthorization(Policies.Admin);
        products.MapPost("/{id:long}/archive", (long id, ProductStore store, CancellationToken cancellationToken) =>
            SetArchived(id, true, store, cancellationToken)).RequireAuthorization(Policies.Admin);
        products.MapPost("/{id:long}/unarchive", (long id, ProductStore store, CancellationToken cancellationToken) =>
            SetArchived(id, false, store, cancellationToken)).RequireAuthorization(Policies.Admin);
        products.MapDelete("/{id:long}", Delete).RequireAuthorization(Policies.Admin);
        products.MapStockAdjustments();
        app.MapCategories();
        app.MapProductImages();
        return app;
    }

    private static async Task<Results<Ok<PagedList<Product>>, ValidationProblem>> List(
        [AsParameters] ProductQuery query, ProductStore store, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (page, filter, orderBy) = ProductRules.ValidateQuery(query, errors);
        return errors.IsEmpty
            ? TypedResults.Ok(await store.ListAsync(page, filter, orderBy, cancellationToken))
            : TypedResults.ValidationProblem(errors.ToDictionary());
    }

    private static async Task<Results<Ok<Product>, ProblemHttpResult>> Get(long id, ProductStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } product ? TypedResults.Ok(product) : NotFound(id);

    private static async Task<Results<Created<Product>, ValidationProblem, ProblemHttpResult>> Create(
        ProductInput input, ProductStore store, CancellationToken cancellationToken)
    {
        var errors = ProductRules.Validate(input);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        try
        {
            var product = await store.CreateAsync(input, cancellationToken);
            return TypedResults.Created($"/api/v1/products/{product.Id}", product);
        }
        catch (PostgresException exception) when (Refusal(exception, input) is { } refusal)
        {
            return refusal;
        }
    }

    private static async Task<Results<Ok<Product>, ValidationProblem, ProblemHttpResult>> Update(
        long id, ProductInput input, ProductStore store, CancellationToken cancellationToken) =>
        await SaveAsync(id, input, ProductRules.Validate(input), store.UpdateAsync, cancellationToken);

    private static async Task<Results<Ok<Product>, ValidationProblem, ProblemHttpResult>> Patch(
        long id, JsonElement body, ProductStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } current)
        {
            return NotFound(id);
        }

        var errors = new FieldErrors();
        var input = ProductPatch.Apply(current, body, errors);
        return await SaveAsync(id, input, errors.IsEmpty ? ProductRules.Validate(input) : errors, store.UpdateDetailsAsync, cancellationToken);
    }

    private static async Task<Results<Ok<Product>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        long id, ProductInput input, FieldErrors errors, Func<long, ProductInput, CancellationToken, Task<Product?>> save,
        CancellationToken cancellationToken)
    {
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        try
        {
            return await save(id, input, cancellationToken) is { } product ? TypedResults.Ok(product) : NotFound(id);
        }
        catch (PostgresException exception) when (Refusal(exception, input) is { } refusal)
        {
            return refusal;
        }
    }

    private static async Task<Results<Ok<Product>, ProblemHttpResult>> SetArchived(
        long id, bool archived, ProductStore store, CancellationToken cancellationToken) =>
        await store.SetArchivedAsync(id, archived, cancellationToken) is { } product ? TypedResults.Ok(product) : NotFound(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        long id, ProductStore store, CancellationToken cancellationToken)
    {
        try
        {
            return await store.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Problems.Conflict($"Product {id} appears in orders and cannot be deleted: archive it instead (POST /api/v1/products/{id}/archive).");
        }
    }

    internal static ProblemHttpResult NotFound(long id) => Problems.NotFound($"Product {id} does not exist.");

    /// <summary>A write the database refused for the input's sake: a taken sku (409) or a category that does not exist (400).</summary>
    private static ProblemHttpResult? Refusal(PostgresException exception, ProductInput input) => exception.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => Problems.Conflict($"A product with sku '{input.Sku!.Trim()}' already exists."),
        PostgresErrorCodes.ForeignKeyViolation => TypedResults.Problem(
            $"Category {input.CategoryId} does not exist.", statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["categoryId"] = [$"Category {input.CategoryId} does not exist."] } }),
        _ => null,
    };
}
