namespace O4O.Platform.Carts;

/// <summary>A product in a cart, at the product's price and stock now: a cart holds no prices of its own.</summary>
public sealed record CartLine(long ProductId, string Name, decimal Price, int Stock, int Quantity)
{
    public decimal Amount => Price * Quantity;
}

/// <summary>A cart as the page shows it, its totals computed here on the server.</summary>
public sealed record Cart(IReadOnlyList<CartLine> Lines)
{
    public decimal Total => Lines.Sum(line => line.Amount);

    public int Count => Lines.Sum(line => line.Quantity);
}

/// <summary>The limits of a cart, one set for the cookie and the database.</summary>
internal static class CartRules
{
    /// <summary>At most this many of one product: a shop's cart, not a wholesale order.</summary>
    public const int MaxQuantity = 99;

    /// <summary>As many products as one order may hold (<see cref="Orders.OrderRules.MaxItems"/>).</summary>
    public const int MaxLines = Orders.OrderRules.MaxItems;
}
