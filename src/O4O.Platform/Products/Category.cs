namespace O4O.Platform.Products;

public sealed record Category(long Id, string Name, string Slug, int SortOrder);

/// <summary>The body of <c>POST</c> and <c>PUT /api/v1/categories</c>.</summary>
public sealed record CategoryInput(string? Name, string? Slug, int? SortOrder);
