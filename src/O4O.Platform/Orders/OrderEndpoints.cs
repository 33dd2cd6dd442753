using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using O4O.Platform.Auth;
using O4O.Platform.Http;

namespace O4O.Platform.Orders;

public static class OrderEndpoints
{
    public static IServiceCollection AddOrders(this IServiceCollection services) =>
        services.AddSingleton<OrderStore>().AddSingleton<OrderPlacement>();

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/v1/orders").WithTags("Orders").RequireAuthorization(Policies.SignedIn);
        orders.MapPost("", Place);
        orders.MapGet("", List);
        orders.MapGet("/{id:long}", Get);
        return app;
    }

    private static async Task<Results<Created<Order>, Ok<Order>, ValidationProblem, ProblemHttpResult>> Place(
        OrderRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        OrderPlacement placement,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var lines = OrderRules.Validate(request, idempotencyKey, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var result = await placement.PlaceAsync(context.User.UserId(), lines, idempotencyKey, cancellationToken);
        switch (result.Outcome)
        {
            case PlacementOutcome.Placed:
                return TypedResults.Created($"/api/v1/orders/{result.Order!.Id}", result.Order);
            case PlacementOutcome.Replayed:
                context.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Ok(result.Order!);
            case PlacementOutcome.KeyReused:
                return TypedResults.Problem(
                    "This Idempotency-Key was already used for a different order. Use a new key for a new order; nothing was ordered.",
                    statusCode: StatusCodes.Status422UnprocessableEntity);
            case PlacementOutcome.UnknownProducts:
                return Problems.NotFound($"No product with id {string.Join(", ", result.ProductIds!)}. Nothing was ordered.");
            case PlacementOutcome.UnknownUser:
                return TypedResults.Problem("The signed-in account no longer exists. Sign in again.", statusCode: StatusCodes.Status401Unauthorized);
            case PlacementOutcome.TotalTooLarge:
                return TypedResults.Problem(
                    $"The order's total would exceed {OrderPlacement.MaxTotal}. Nothing was ordered.", statusCode: StatusCodes.Status400BadRequest);
            default:
                return Problems.Conflict($"Not enough stock for product {string.Join(", ", result.ProductIds!)}. Nothing was ordered.");
        }
    }

    private static async Task<Results<Ok<PagedList<Order>>, ValidationProblem>> List(
        int? page, int? pageSize, OrderStore orders, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var request = PageRequest.Validate(page, pageSize, errors);
        return errors.IsEmpty
            ? TypedResults.Ok(await orders.ListAsync(OwnerFilter(context), request, cancellationToken))
            : TypedResults.ValidationProblem(errors.ToDictionary());
    }

    private static async Task<Results<Ok<Order>, ProblemHttpResult>> Get(
        long id, OrderStore orders, HttpContext context, CancellationToken cancellationToken) =>
        await orders.FindAsync(id, OwnerFilter(context), cancellationToken) is { } order
            ? TypedResults.Ok(order)
            // Someone else's order is reported as missing: its existence is not the caller's business.
            : Problems.NotFound($"Order {id} does not exist.");

    private static long? OwnerFilter(HttpContext context) => context.User.IsAdmin() ? null : context.User.UserId();
}
