namespace O4O.Platform.Products;

/// <summary>A change of stock by hand: how much, why, by whom, and the count it left.</summary>
public sealed record StockAdjustment(long Id, long ProductId, int Delta, int StockAfter, string Reason, long AdminId, string AdminEmail, DateTime At);

/// <summary>The body of <c>POST /api/v1/products/{id}/stock-adjustments</c>.</summary>
public sealed record StockAdjustmentInput(int? Delta, string? Reason);
