using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using O4O.Platform.Auth;
using O4O.Platform.Http;

namespace O4O.Platform.Products;

/// <summary><c>/api/v1/categories</c>: listed for anyone, created and changed by an admin.</summary>
internal static class CategoryEndpoints
{
    public static void MapCategories(this IEndpointRouteBuilder app)
    {
        var categories = app.MapGroup("/api/v1/categories").WithTags("Categories");
        categories.MapGet("", async (CategoryStore store, CancellationToken cancellationToken) => TypedResults.Ok(await store.ListAsync(cancellationToken)));
        categories.MapPost("", Create).RequireAuthorization(Policies.Admin);
        categories.MapPut("/{id:long}", Update).RequireAuthorization(Policies.Admin);
    }

    private static async Task<Results<Created<Category>, ValidationProblem, ProblemHttpResult>> Create(
        CategoryInput input, CategoryStore store, CancellationToken cancellationToken)
    {
        var errors = ProductRules.Validate(input);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        try
        {
            var category = await store.CreateAsync(input, cancellationToken);
            return TypedResults.Created($"/api/v1/categories/{category.Id}", category);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return SlugTaken(input);
        }
    }

    private static async Task<Results<Ok<Category>, ValidationProblem, ProblemHttpResult>> Update(
        long id, CategoryInput input, CategoryStore store, CancellationToken cancellationToken)
    {
        var errors = ProductRules.Validate(input);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        try
        {
            return await store.UpdateAsync(id, input, cancellationToken) is { } category
                ? TypedResults.Ok(category)
                : Problems.NotFound($"Category {id} does not exist.");
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return SlugTaken(input);
        }
    }

    private static ProblemHttpResult SlugTaken(CategoryInput input) => Problems.Conflict($"A category with slug '{input.Slug}' already exists.");
}
