using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using O4O.Platform.Auth;
using O4O.Platform.Http;

namespace O4O.Platform.Orders;

public static class OrderEndpoints
{
    public static IServiceCollection AddOrders(this IServiceCollection services) =>
        services.AddSingleton<OrderStore>().AddSingleton<OrderMetrics>().AddSingleton<OrderPlacement>().AddSingleton<OrderStatusChanges>();

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/v1/orders").WithTags("Orders").RequireAuthorization(Policies.SignedIn);
        orders.MapPost("", Place).WithMetadata(new RetriedWithIdempotencyKey());
        orders.MapGet("", List);
        orders.MapGet("/{id:long}", Get);
        orders.MapPatch("/{id:long}/status", ChangeStatus).RequireAuthorization(Policies.Admin);
        orders.MapPost("/{id:long}/cancel", Cancel);
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
        var lines = OrderRules.Validate(request, idempotencyKey, errors, out var shipping);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var result = await placement.PlaceAsync(context.User.UserId(), lines, shipping, idempotencyKey, cancellationToken);
        switch (result.Outcome)
        {
            case PlacementOutcome.Placed:
                return TypedResults.Created($"/api/v1/orders/{result.Order!.Id}", ForCaller(result.Order, context));
            case PlacementOutcome.Replayed:
                context.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Ok(ForCaller(result.Order!, context));
            case PlacementOutcome.KeyReused:
                return TypedResults.Problem(
                    "This Idempotency-Key was already used for a different order. Use a new key for a new order; nothing was ordered.",
                    statusCode: StatusCodes.Status422UnprocessableEntity);
            case PlacementOutcome.UnknownProducts:
                return Problems.NotFound($"No product with id {string.Join(", ", result.ProductIds!)}. Nothing was ordered.");
            case PlacementOutcome.UnknownUser:
                return UnknownAccount();
            case PlacementOutcome.TotalTooLarge:
                return TypedResults.Problem(
                    $"The order's total would exceed {OrderPlacement.MaxTotal}. Nothing was ordered.", statusCode: StatusCodes.Status400BadRequest);
            default:
                return Problems.Conflict($"Not enough stock for product {string.Join(", ", result.ProductIds!)}. Nothing was ordered.");
        }
    }

    private static async Task<Results<Ok<PagedList<Order>>, ValidationProblem>> List(
        int? page, int? pageSize, string? status, OrderStore orders, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var request = PageRequest.Validate(page, pageSize, errors);
        errors.When(status is not null && !OrderWorkflow.Statuses.Contains(status, StringComparer.Ordinal), "status",
            $"status must be one of {string.Join(", ", OrderWorkflow.Statuses)}.");
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var list = await orders.ListAsync(OwnerFilter(context), status, request, cancellationToken);
        return TypedResults.Ok(list with { Items = list.Items.Select(order => ForCaller(order, context)).ToList() });
    }

    private static async Task<Results<Ok<Order>, ProblemHttpResult>> Get(
        long id, OrderStore orders, HttpContext context, CancellationToken cancellationToken) =>
        await orders.FindAsync(id, OwnerFilter(context), cancellationToken) is { } order
            ? TypedResults.Ok(ForCaller(order, context))
            // Someone else's order is reported as missing: its existence is not the caller's business.
            : Problems.NotFound($"Order {id} does not exist.");

    /// <summary>An admin moves an order along: paid, shipped (with its parcel), delivered, cancelled or refunded.</summary>
    private static async Task<Results<Ok<Order>, ValidationProblem, ProblemHttpResult>> ChangeStatus(
        long id, OrderStatusRequest request, OrderStatusChanges changes, OrderStore orders, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (OrderWorkflow.Validate(request, errors) is not { } change)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return await ApplyAsync(id, ownerId: null, change, changes, orders, context, cancellationToken);
    }

    /// <summary>A customer calls their own order off, while it is placed or paid; the stock goes back.</summary>
    private static Task<Results<Ok<Order>, ValidationProblem, ProblemHttpResult>> Cancel(
        long id, OrderStatusChanges changes, OrderStore orders, HttpContext context, CancellationToken cancellationToken) =>
        ApplyAsync(id, context.User.UserId(), new StatusChange(OrderWorkflow.Cancelled, null, null, null), changes, orders, context, cancellationToken);

    private static async Task<Results<Ok<Order>, ValidationProblem, ProblemHttpResult>> ApplyAsync(
        long id, long? ownerId, StatusChange change, OrderStatusChanges changes, OrderStore orders, HttpContext context,
        CancellationToken cancellationToken)
    {
        var result = await changes.ChangeAsync(id, ownerId, context.User.UserId(), change, cancellationToken);
        return result.Outcome switch
        {
            StatusChangeOutcome.NotFound => Problems.NotFound($"Order {id} does not exist."),
            StatusChangeOutcome.UnknownActor => UnknownAccount(),
            StatusChangeOutcome.Illegal when ownerId is not null => Problems.Conflict(
                $"Order {id} is {result.CurrentStatus}: an order can only be cancelled before it is shipped. Nothing was changed."),
            StatusChangeOutcome.Illegal => Problems.Conflict(
                $"Order {id} is {result.CurrentStatus}; it cannot become {change.Status}. " +
                $"From {result.CurrentStatus} it can become: {Steps(result.CurrentStatus!)}. Nothing was changed."),
            // The order cannot be gone: orders are never deleted while the platform serves them.
            _ => TypedResults.Ok(ForCaller((await orders.FindAsync(id, ownerId, cancellationToken))!, context)),
        };
    }

    private static string Steps(string status) =>
        OrderWorkflow.NextSteps(status) is { Count: > 0 } next ? string.Join(", ", next) : "nothing (it is final)";

    private static ProblemHttpResult UnknownAccount() =>
        TypedResults.Problem("The signed-in account no longer exists. Sign in again.", statusCode: StatusCodes.Status401Unauthorized);

    private static Order ForCaller(Order order, HttpContext context) => context.User.IsAdmin() ? order : order.ForCustomer();

    private static long? OwnerFilter(HttpContext context) => context.User.IsAdmin() ? null : context.User.UserId();
}
