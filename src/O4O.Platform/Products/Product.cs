using System.Globalization;
using System.Text.Json.Serialization;

namespace O4O.Platform.Products;

/// <summary>A product as the API and the pages show it; the constructor's order is the SELECT's (<see cref="ProductStore"/>).</summary>
public sealed record Product(
    long Id, string Sku, string Name, string Description, decimal Price, int Stock, DateTime CreatedAt, DateTime UpdatedAt,
    long? CategoryId, string? CategoryName, string? CategoryNameKo, string? CategorySlug, bool Archived, [property: JsonIgnore] string? Image)
{
    /// <summary>Its category's name on a page in <paramref name="culture"/>, or null when it has none.</summary>
    public string? CategoryNameIn(CultureInfo culture) => CategoryName is null ? null : CategoryNames.In(culture, CategoryName, CategoryNameKo);

    /// <summary>The large picture (at most 1200 px on its longer edge), or null when the product has none.</summary>
    public string? ImageUrl => Image is null ? null : ProductImages.Url(Id, Image, ProductImages.Large);

    /// <summary>The card picture (at most 400 px), or null.</summary>
    public string? ThumbnailUrl => Image is null ? null : ProductImages.Url(Id, Image, ProductImages.Thumbnail);
}

/// <summary>The body of <c>POST</c> and <c>PUT /api/v1/products</c>; nullable so a missing field is named, not defaulted.</summary>
public sealed record ProductInput(string? Sku, string? Name, string? Description, decimal? Price, int? Stock, long? CategoryId = null);

/// <summary>The query string of <c>GET /api/v1/products</c>: <c>archived</c> is <c>false</c> (the default), <c>true</c> or <c>all</c>.</summary>
public sealed record ProductQuery(int? Page, int? PageSize, string? Q, string? Sort, string? Category, string? Archived);

/// <summary>Which products a listing holds; every value was checked by <see cref="ProductRules"/> or a page.</summary>
public sealed record ProductFilter(string? Pattern, string? CategorySlug = null, bool? Archived = false);
