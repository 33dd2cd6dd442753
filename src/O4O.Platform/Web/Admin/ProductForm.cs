using System.Globalization;
using O4O.Platform.Products;

namespace O4O.Platform.Web.Admin;

/// <summary>
/// The product form as typed, kept as text so a rejected form shows exactly what the admin entered. Numbers are
/// read invariantly (<c>12.50</c>), as <see cref="Format"/> shows them. An empty category is none.
/// </summary>
public sealed record ProductForm(string? Sku, string? Name, string? Description, string? Price, string? Stock, string? CategoryId = null)
{
    public static ProductForm From(Product product) => new(
        product.Sku, product.Name, product.Description, Format.Plain(product.Price), product.Stock.ToString(CultureInfo.InvariantCulture),
        product.CategoryId?.ToString(CultureInfo.InvariantCulture));

    public decimal? ParsedPrice =>
        decimal.TryParse(Price?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price) ? price : null;

    public int? ParsedStock =>
        int.TryParse(Stock?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var stock) ? stock : null;

    /// <summary>The category's id, null for none, and 0 for text that is no id (which the rules refuse).</summary>
    public long? ParsedCategoryId => string.IsNullOrWhiteSpace(CategoryId)
        ? null
        : long.TryParse(CategoryId.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;

    public ProductInput ToInput() => new(Sku, Name, Description, ParsedPrice, ParsedStock, ParsedCategoryId);

    /// <summary>The fields that fail the API's own rules (<see cref="ProductRules"/>): one set of rules for both.</summary>
    public static IReadOnlySet<string> Invalid(ProductInput input) =>
        ProductRules.Validate(input).ToDictionary().Keys.ToHashSet(StringComparer.Ordinal);
}

/// <summary>What the product page shows besides the product form: the stock form as typed, and the messages of the side forms.</summary>
public sealed record EditorState(
    IReadOnlySet<string> Invalid, bool Saved = false, string? Delta = null, string? Reason = null, string? StockError = null, string? ImageError = null)
{
    public static readonly EditorState Clean = new(new HashSet<string>());
}
