using System.Globalization;
using O4O.Platform.Products;

namespace O4O.Platform.Web.Admin;

/// <summary>
/// The product form as typed, kept as text so a rejected form shows exactly what the admin entered. Numbers are
/// read invariantly (<c>12.50</c>), as <see cref="Format"/> shows them.
/// </summary>
public sealed record ProductForm(string? Sku, string? Name, string? Description, string? Price, string? Stock)
{
    public static ProductForm From(Product product) => new(
        product.Sku, product.Name, product.Description, Format.Plain(product.Price), product.Stock.ToString(CultureInfo.InvariantCulture));

    public decimal? ParsedPrice =>
        decimal.TryParse(Price?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price) ? price : null;

    public int? ParsedStock =>
        int.TryParse(Stock?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var stock) ? stock : null;

    public ProductInput ToInput() => new(Sku, Name, Description, ParsedPrice, ParsedStock);

    /// <summary>The fields that fail the API's own rules (<see cref="ProductRules"/>): one set of rules for both.</summary>
    public static IReadOnlySet<string> Invalid(ProductInput input) =>
        ProductRules.Validate(input).ToDictionary().Keys.ToHashSet(StringComparer.Ordinal);
}
