namespace O4O.Platform.Orders;

public sealed record OrderLine(long ProductId, string ProductName, int Quantity, decimal UnitPrice);

public sealed record Order(long Id, long UserId, string Status, decimal Total, DateTime CreatedAt, IReadOnlyList<OrderLine> Items);

/// <summary>The body of <c>POST /api/v1/orders</c>.</summary>
public sealed record OrderRequest(IReadOnlyList<OrderRequestItem>? Items);

public sealed record OrderRequestItem(long? ProductId, int? Quantity);
