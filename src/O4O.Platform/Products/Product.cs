namespace O4O.Platform.Products;

public sealed record Product(
    long Id, string Sku, string Name, string Description, decimal Price, int Stock, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>The body of <c>POST</c> and <c>PUT /api/v1/products</c>; nullable so a missing field is named, not defaulted.</summary>
public sealed record ProductInput(string? Sku, string? Name, string? Description, decimal? Price, int? Stock);

/// <summary>The query string of <c>GET /api/v1/products</c>.</summary>
public sealed record ProductQuery(int? Page, int? PageSize, string? Q, string? Sort);
