using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using O4O.Platform.Auth;
using O4O.Platform.Http;

namespace O4O.Platform.Products;

public static class ProductEndpoints
{
    public static IServiceCollection AddProducts(this IServiceCollection services) => services.AddSingleton<ProductStore>();

    public static IEndpointRouteBuilder MapProducts(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/api/v1/products").WithTags("Products");
        products.MapGet("", List);
        products.MapGet("/{id:long}", Get);
        products.MapPost("", Create).RequireAuthorization(Policies.Admin);
        products.MapPut("/{id:long}", Update).RequireAuthorization(Policies.Admin);
        products.MapDelete("/{id:long}", Delete).RequireAuthorization(Policies.Admin);
        return app;
    }

    private static async Task<Results<Ok<PagedList<Product>>, ValidationProblem>> List(
        [AsParameters] ProductQuery query, ProductStore store, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (page, pattern, orderBy) = ProductRules.ValidateQuery(query, errors);
        return errors.IsEmpty
            ? TypedResults.Ok(await store.ListAsync(page, pattern, orderBy, cancellationToken))
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
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return SkuTaken(input);
        }
    }

    private static async Task<Results<Ok<Product>, ValidationProblem, ProblemHttpResult>> Update(
        long id, ProductInput input, ProductStore store, CancellationToken cancellationToken)
    {
        var errors = ProductRules.Validate(input);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        try
        {
            return await store.UpdateAsync(id, input, cancellationToken) is { } product ? TypedResults.Ok(product) : NotFound(id);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return SkuTaken(input);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        long id, ProductStore store, CancellationToken cancellationToken)
    {
        try
        {
            return await store.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Problems.Conflict($"Product {id} appears in orders and cannot be deleted.");
        }
    }

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound($"Product {id} does not exist.");

    private static ProblemHttpResult SkuTaken(ProductInput input) =>
        Problems.Conflict($"A product with sku '{input.Sku!.Trim()}' already exists.");
}
