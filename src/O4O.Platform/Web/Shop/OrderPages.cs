using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Platform.Auth;
using O4O.Platform.Orders;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Resources;

namespace O4O.Platform.Web.Shop;

/// <summary>
/// A customer's own orders: the list, newest first, and one order with its address, history and cancel button. Another
/// customer's order is not found, as the API answers: its existence is none of this customer's business.
/// </summary>
internal static class OrderPages
{
    private const int PageSize = 10;

    public static async Task<RazorComponentResult<MyOrdersPage>> Mine(int? page, OrderStore orders, HttpContext context, CancellationToken cancellationToken)
    {
        var list = await orders.ListAsync(context.User.UserId(), status: null, SearchText.Page(page, PageSize), cancellationToken);
        return new(new { Orders = list with { Items = [.. list.Items.Select(order => order.ForCustomer())] } });
    }

    public static async Task<Results<RazorComponentResult<OrderPage>, RazorComponentResult<NotFoundPage>>> Detail(
        long id, bool? placed, bool? cancelled, OrderStore orders, HttpContext context, CancellationToken cancellationToken) =>
        await orders.FindAsync(id, context.User.UserId(), cancellationToken) is { } order
            ? Page(order, placed == true ? Text.OrderPlaced : cancelled == true ? Text.OrderCancelled : null)
            : StorefrontPages.NotFound();

    /// <summary>"Cancel order": the API's own cancel (<see cref="OrderStatusChanges"/>), which puts the stock back.</summary>
    public static async Task<Results<RedirectHttpResult, BadRequest, RazorComponentResult<OrderPage>, RazorComponentResult<NotFoundPage>>> Cancel(
        long id, OrderStatusChanges changes, OrderStore orders, IAntiforgery antiforgery, HttpContext context, CancellationToken cancellationToken)
    {
        // The form has no fields to bind, so the token is checked here rather than by a form binding.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        var userId = context.User.UserId();
        var result = await changes.ChangeAsync(id, userId, userId, new StatusChange(OrderWorkflow.Cancelled, null, null, null), cancellationToken);
        switch (result.Outcome)
        {
            // Unchanged: a second click found it cancelled already; it is, as asked.
            case StatusChangeOutcome.Changed or StatusChangeOutcome.Unchanged:
                return TypedResults.LocalRedirect($"/orders/{id}?cancelled=true");
            case StatusChangeOutcome.Illegal when await orders.FindAsync(id, userId, cancellationToken) is { } order:
                return Page(order, notice: null, error: Text.ErrorCannotCancel, status: StatusCodes.Status409Conflict);
            case StatusChangeOutcome.UnknownActor:
                await context.SignOutAsync(CookieSessions.Customer);
                return TypedResults.LocalRedirect("/login");
            default:
                return StorefrontPages.NotFound();
        }
    }

    private static RazorComponentResult<OrderPage> Page(Order order, string? notice, string? error = null, int status = StatusCodes.Status200OK) =>
        new(new { Order = order.ForCustomer(), Notice = notice, Error = error }) { StatusCode = status };
}
