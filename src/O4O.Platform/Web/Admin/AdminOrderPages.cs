using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using O4O.Platform.Auth;
using O4O.Platform.Http;
using O4O.Platform.Orders;
using O4O.Platform.Users;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Components.Admin;
using O4O.Platform.Web.Resources;

namespace O4O.Platform.Web.Admin;

/// <summary>
/// Orders in the console: newest first, by status if asked; one order with its address, parcel and history, and a
/// form for each step it may take next (<see cref="OrderWorkflow"/>). Every change is logged with its admin.
/// </summary>
internal static class AdminOrderPages
{
    private const int PageSize = 20;

    public static async Task<RazorComponentResult<AdminOrders>> List(
        int? page, string? status, OrderStore orders, UserStore users, CancellationToken cancellationToken)
    {
        // An unknown status in the address is no filter rather than an error page: the list is where one starts.
        var filter = OrderWorkflow.Statuses.FirstOrDefault(known => known == status);
        var list = await orders.ListAsync(userId: null, filter, SearchText.Page(page, PageSize), cancellationToken);
        var emails = await users.EmailsAsync(list.Items.Select(order => order.UserId), cancellationToken);
        return new(new { Orders = list, Emails = emails, Status = filter });
    }

    public static async Task<Results<RazorComponentResult<AdminOrder>, RazorComponentResult<NotFoundPage>>> Detail(
        long id, string? moved, OrderStore orders, UserStore users, CancellationToken cancellationToken)
    {
        var notice = OrderWorkflow.Statuses.FirstOrDefault(known => known == moved) is { } status
            ? Text.Get(Text.OrderMoved, Text.For("Status", status))
            : null;
        var page = await PageAsync(id, new StepForm(null, null, null, null), new FieldErrors(), notice, error: null, StatusCodes.Status200OK, orders, users, cancellationToken);
        return page is null ? StorefrontPages.NotFound() : page;
    }

    /// <summary>
    /// Moves the order one step, from the form of that step; the ship form carries the courier and the tracking number,
    /// a cancel or a refund its reason as the step's note.
    /// </summary>
    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminOrder>, RazorComponentResult<NotFoundPage>>> ChangeStatus(
        long id, [FromForm] string? status, [FromForm] string? courier, [FromForm] string? trackingNumber, [FromForm] string? note,
        OrderStatusChanges changes, OrderStore orders, UserStore users, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        var form = new StepForm(status, courier, trackingNumber, note);
        var errors = new FieldErrors();
        if (OrderWorkflow.Validate(new OrderStatusRequest(status, courier, trackingNumber, note), errors) is not { } change)
        {
            var refused = await PageAsync(id, form, errors, notice: null, Text.FixErrors, StatusCodes.Status400BadRequest, orders, users, cancellationToken);
            return refused is null ? StorefrontPages.NotFound() : refused;
        }

        var result = await changes.ChangeAsync(id, ownerId: null, context.User.UserId(), change, cancellationToken);
        switch (result.Outcome)
        {
            case StatusChangeOutcome.NotFound:
                return StorefrontPages.NotFound();
            case StatusChangeOutcome.UnknownActor:
                // The signed-in admin's account is gone (e.g. after a restore): sign in again.
                return TypedResults.LocalRedirect("/admin/login");
            case StatusChangeOutcome.Illegal:
                // Usually another admin moved the order first: show it as it is now.
                var error = Text.Get(Text.ErrorOrderStep, Text.For("Status", result.CurrentStatus!), Text.For("Status", change.Status));
                var moved = await PageAsync(id, form, new FieldErrors(), notice: null, error, StatusCodes.Status409Conflict, orders, users, cancellationToken);
                return moved is null ? StorefrontPages.NotFound() : moved;
            default:
                loggers.CreateLogger(typeof(AdminOrderPages)).LogInformation(
                    "Admin {Admin} moved order {OrderId} to {Status} ({Outcome}) {Courier} {TrackingNumber}",
                    context.User.Identity?.Name, id, change.Status, result.Outcome, change.Courier, change.TrackingNumber);
                return TypedResults.LocalRedirect(string.Create(CultureInfo.InvariantCulture, $"/admin/orders/{id}?moved={change.Status}"));
        }
    }

    /// <summary>The order's page, or null when there is no such order.</summary>
    private static async Task<RazorComponentResult<AdminOrder>?> PageAsync(
        long id, StepForm form, FieldErrors errors, string? notice, string? error, int statusCode, OrderStore orders, UserStore users,
        CancellationToken cancellationToken)
    {
        if (await orders.FindAsync(id, userId: null, cancellationToken) is not { } order)
        {
            return null;
        }

        var emails = await users.EmailsAsync([order.UserId], cancellationToken);
        var invalid = errors.ToDictionary().Keys.ToHashSet(StringComparer.Ordinal);
        return new RazorComponentResult<AdminOrder>(new
        {
            Order = order,
            Email = emails.GetValueOrDefault(order.UserId),
            Form = form,
            Invalid = invalid,
            Notice = notice,
            Error = error,
        })
        { StatusCode = statusCode };
    }
}

/// <summary>The ship form as typed, so a refused one shows what the admin entered.</summary>
/// <summary>A step's form as typed: the ship form's courier and tracking number, the cancel and refund forms' note.</summary>
public sealed record StepForm(string? Status, string? Courier, string? TrackingNumber, string? Note);
