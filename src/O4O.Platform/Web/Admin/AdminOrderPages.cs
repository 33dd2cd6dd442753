using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Platform.Orders;
using O4O.Platform.Users;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Components.Admin;

namespace O4O.Platform.Web.Admin;

/// <summary>Orders in the console: newest first, and one order with its items. Read-only.</summary>
internal static class AdminOrderPages
{
    private const int PageSize = 20;

    public static async Task<RazorComponentResult<AdminOrders>> List(int? page, OrderStore orders, UserStore users, CancellationToken cancellationToken)
    {
        var list = await orders.ListAsync(userId: null, status: null, SearchText.Page(page, PageSize), cancellationToken);
        var emails = await users.EmailsAsync(list.Items.Select(order => order.UserId), cancellationToken);
        return new(new { Orders = list, Emails = emails });
    }

    public static async Task<Results<RazorComponentResult<AdminOrder>, RazorComponentResult<NotFoundPage>>> Detail(
        long id, OrderStore orders, UserStore users, CancellationToken cancellationToken)
    {
        if (await orders.FindAsync(id, userId: null, cancellationToken) is not { } order)
        {
            return StorefrontPages.NotFound();
        }

        var emails = await users.EmailsAsync([order.UserId], cancellationToken);
        return new RazorComponentResult<AdminOrder>(new { Order = order, Email = emails.GetValueOrDefault(order.UserId) });
    }
}
