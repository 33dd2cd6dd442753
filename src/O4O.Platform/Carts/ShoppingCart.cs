using O4O.Platform.Auth;

namespace O4O.Platform.Carts;

/// <summary>
/// The cart of whoever makes the request: a signed-in customer's in the database (so it follows them to every device),
/// a guest's in a cookie (<see cref="GuestCart"/>) until sign-in merges it in.
/// </summary>
internal sealed class ShoppingCart(CartStore store)
{
    public Task<Cart> ReadAsync(HttpContext context, CancellationToken cancellationToken) =>
        Customer(context) is { } userId ? store.ReadAsync(userId, cancellationToken) : store.ReadAsync(GuestCart.Read(context.Request), cancellationToken);

    public async Task<int> CountAsync(HttpContext context, CancellationToken cancellationToken) =>
        Customer(context) is { } userId ? await store.CountAsync(userId, cancellationToken) : GuestCart.Read(context.Request).Sum(line => line.Quantity);

    /// <summary>Adds <paramref name="quantity"/> of a product; false when the cart already holds <see cref="CartRules.MaxLines"/> others.</summary>
    public async Task<bool> AddAsync(HttpContext context, long productId, int quantity, CancellationToken cancellationToken)
    {
        if (Customer(context) is { } userId)
        {
            return await store.AddAsync(userId, productId, quantity, cancellationToken);
        }

        var lines = GuestCart.Read(context.Request);
        var index = lines.FindIndex(line => line.ProductId == productId);
        if (index < 0 && lines.Count >= CartRules.MaxLines)
        {
            return false;
        }

        if (index < 0)
        {
            lines.Add((productId, quantity));
        }
        else
        {
            lines[index] = (productId, Math.Min(CartRules.MaxQuantity, lines[index].Quantity + quantity));
        }

        GuestCart.Write(context.Response, lines);
        return true;
    }

    /// <summary>Sets a line's quantity; 0 removes it.</summary>
    public async Task SetAsync(HttpContext context, long productId, int quantity, CancellationToken cancellationToken)
    {
        if (Customer(context) is { } userId)
        {
            await store.SetAsync(userId, productId, quantity, cancellationToken);
            return;
        }

        var lines = GuestCart.Read(context.Request);
        GuestCart.Write(context.Response, lines
            .Select(line => line.ProductId == productId ? line with { Quantity = quantity } : line)
            .Where(line => line.Quantity > 0));
    }

    /// <summary>
    /// Once an order is placed its products leave the cart; only a signed-in customer orders, so the cart is theirs in the
    /// database. Whatever was added meanwhile, in another tab, stays.
    /// </summary>
    public Task RemoveOrderedAsync(long userId, IEnumerable<long> productIds, CancellationToken cancellationToken) =>
        store.RemoveAsync(userId, productIds, cancellationToken);

    /// <summary>At sign-in: what the guest put in the cart joins the customer's own, and the cookie goes.</summary>
    public async Task MergeGuestCartAsync(HttpContext context, long userId, CancellationToken cancellationToken)
    {
        var guest = GuestCart.Read(context.Request);
        if (guest.Count > 0)
        {
            await store.MergeAsync(userId, guest, cancellationToken);
            GuestCart.Clear(context.Response);
        }
    }

    // The storefront's pages see the customer's cookie only (CookieSessions.For), never the console's.
    private static long? Customer(HttpContext context) => context.User.Identity?.IsAuthenticated == true ? context.User.UserId() : null;
}
