using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Platform.Auth;
using O4O.Platform.Http;

namespace O4O.Platform.Products;

/// <summary><c>/api/v1/products/{id}/stock-adjustments</c>: stock moved by hand with a reason, and the history of it (admin).</summary>
internal static class StockEndpoints
{
    public const int HistoryLimit = 50;

    public static void MapStockAdjustments(this RouteGroupBuilder products)
    {
        products.MapGet("/{id:long}/stock-adjustments", History).RequireAuthorization(Policies.Admin);
        products.MapPost("/{id:long}/stock-adjustments", Adjust).RequireAuthorization(Policies.Admin);
    }

    private static async Task<Results<Ok<IReadOnlyList<StockAdjustment>>, ProblemHttpResult>> History(
        long id, ProductStore products, StockStore stock, CancellationToken cancellationToken) =>
        await products.FindAsync(id, cancellationToken) is null
            ? ProductEndpoints.NotFound(id)
            : TypedResults.Ok(await stock.HistoryAsync(id, HistoryLimit, cancellationToken));

    private static async Task<Results<Created<StockAdjustment>, ValidationProblem, ProblemHttpResult>> Adjust(
        long id, StockAdjustmentInput input, StockStore stock, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = ProductRules.Validate(input);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var (outcome, adjustment, count) = await stock.AdjustAsync(id, input.Delta!.Value, input.Reason!, context.User.UserId(), cancellationToken);
        return outcome switch
        {
            AdjustmentOutcome.Adjusted => TypedResults.Created($"/api/v1/products/{id}/stock-adjustments", adjustment),
            AdjustmentOutcome.BelowZero => Problems.Conflict($"Product {id} has {count} in stock: a change of {input.Delta} would leave less than none."),
            AdjustmentOutcome.AboveMaximum => Problems.Conflict($"Product {id} has {count} in stock: a change of {input.Delta} would leave more than {ProductRules.MaxStock}."),
            _ => ProductEndpoints.NotFound(id),
        };
    }
}
