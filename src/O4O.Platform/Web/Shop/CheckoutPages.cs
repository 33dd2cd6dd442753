using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using O4O.Platform.Auth;
using O4O.Platform.Carts;
using O4O.Platform.Http;
using O4O.Platform.Orders;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Resources;

namespace O4O.Platform.Web.Shop;

/// <summary>The checkout form as posted; its values are shown again beside their errors (public, as the page component is).</summary>
public sealed record CheckoutForm(
    string? Recipient, string? Phone, string? PostalCode, string? Address, string? AddressDetail, string? DeliveryNote, string? IdempotencyKey);

/// <summary>
/// Checkout for a signed-in customer (a guest signs in first, and their cart joins the account's). The order is placed
/// by the API's own validation and placement (<see cref="OrderRules"/>, <see cref="OrderPlacement"/>) under the
/// idempotency key the form was rendered with, so a double click or a form posted again after its order was placed
/// lands on that one order. Every post is antiforgery-checked by its form binding.
/// </summary>
internal static class CheckoutPages
{
    private const string KeyField = "idempotencyKey";
    private const string ShippingPrefix = "shipping.";

    public static async Task<RazorComponentResult<CheckoutPage>> Show(ShoppingCart carts, HttpContext context, CancellationToken cancellationToken) =>
        Page(await carts.ReadAsync(context, cancellationToken), form: null);

    public static async Task<Results<RedirectHttpResult, RazorComponentResult<CheckoutPage>>> Place(
        [FromForm] CheckoutForm form, ShoppingCart carts, OrderPlacement placement, OrderStore orders, HttpContext context,
        CancellationToken cancellationToken)
    {
        var userId = context.User.UserId();
        var key = form.IdempotencyKey ?? "";
        // The usual second post (a refresh, a back and resubmit): the order is there, and the cart already emptied.
        if (await PlacedAsync(orders, userId, key, cancellationToken) is { } placed)
        {
            return placed;
        }

        var cart = await carts.ReadAsync(context, cancellationToken);
        if (cart.Lines.Count == 0)
        {
            // A double click's second post can find the cart emptied by the first after it looked for the order.
            return await PlacedAsync(orders, userId, key, cancellationToken) is { } replayed ? replayed : Page(cart, form);
        }

        var errors = new FieldErrors();
        var request = new OrderRequest(
            [.. cart.Lines.Select(line => new OrderRequestItem(line.ProductId, line.Quantity))],
            new ShippingRequest(form.Recipient, form.Phone, form.PostalCode, form.Address, form.AddressDetail, form.DeliveryNote));
        var lines = OrderRules.Validate(request, key, errors, out var shipping);
        if (!errors.IsEmpty)
        {
            return Invalid(cart, form, errors.ToDictionary().Keys);
        }

        var result = await placement.PlaceAsync(userId, lines, shipping, key, cancellationToken);
        switch (result.Outcome)
        {
            case PlacementOutcome.Placed or PlacementOutcome.Replayed:
                await carts.RemoveOrderedAsync(userId, result.Order!.Items.Select(item => item.ProductId), cancellationToken);
                return Confirmation(result.Order);
            case PlacementOutcome.KeyReused:
                var earlier = await orders.FindByKeyAsync(userId, key, cancellationToken);
                return Page(cart, form with { IdempotencyKey = null }, error: Text.Get(Text.ErrorKeyReused, earlier?.Id ?? 0),
                    status: StatusCodes.Status409Conflict);
            case PlacementOutcome.OutOfStock or PlacementOutcome.UnknownProducts:
                // The stock as it is now, beside each line that lacks it; the cart stays as it was.
                return Page(await carts.ReadAsync(context, cancellationToken), form, error: Text.ErrorOutOfStock, status: StatusCodes.Status409Conflict);
            case PlacementOutcome.TotalTooLarge:
                return Page(cart, form, error: Text.ErrorTotalTooLarge, status: StatusCodes.Status400BadRequest);
            default:
                // The account is gone (a restore from before it existed): its cookie is no use any more.
                await context.SignOutAsync(CookieSessions.Customer);
                return TypedResults.LocalRedirect("/login?returnUrl=%2Fcheckout");
        }
    }

    private static async Task<RedirectHttpResult?> PlacedAsync(OrderStore orders, long userId, string key, CancellationToken cancellationToken) =>
        key.Length is > 0 and <= OrderRules.MaxIdempotencyKeyLength && await orders.FindByKeyAsync(userId, key, cancellationToken) is { } order
            ? Confirmation(order)
            : null;

    private static RedirectHttpResult Confirmation(Order order) => TypedResults.LocalRedirect($"/orders/{order.Id}?placed=true");

    /// <summary>The page with each refused field marked; a refused key renews the form, as a post that can never place an order.</summary>
    private static RazorComponentResult<CheckoutPage> Invalid(Cart cart, CheckoutForm form, IEnumerable<string> fields)
    {
        var invalid = fields.Select(FieldOf).ToHashSet(StringComparer.Ordinal);
        var shown = invalid.Remove(KeyField) ? form with { IdempotencyKey = null } : form;
        return invalid.Count == 0
            ? Page(cart, shown, error: Text.ErrorFormExpired, status: StatusCodes.Status400BadRequest)
            : Page(cart, shown, invalid: invalid, status: StatusCodes.Status400BadRequest);
    }

    /// <summary>The form's field for a field the API's validation names (<c>shipping.postalCode</c> is <c>postalCode</c>).</summary>
    private static string FieldOf(string apiField) => apiField switch
    {
        "Idempotency-Key" => KeyField,
        _ when apiField.StartsWith(ShippingPrefix, StringComparison.Ordinal) => apiField[ShippingPrefix.Length..],
        _ => apiField,
    };

    private static RazorComponentResult<CheckoutPage> Page(
        Cart cart, CheckoutForm? form, IReadOnlySet<string>? invalid = null, string? error = null, int status = StatusCodes.Status200OK)
    {
        // A new form gets a new key; a form shown again keeps its own, so the order it places is still the one it was for.
        var key = form?.IdempotencyKey is { Length: > 0 and <= OrderRules.MaxIdempotencyKeyLength } kept ? kept : Guid.NewGuid().ToString("N");
        return new(new
        {
            Cart = cart,
            Form = (form ?? new CheckoutForm(null, null, null, null, null, null, null)) with { IdempotencyKey = key },
            Invalid = invalid ?? new HashSet<string>(),
            Error = error,
        })
        {
            StatusCode = status,
        };
    }
}
