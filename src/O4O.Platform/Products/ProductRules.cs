using System.Text.RegularExpressions;
using O4O.Platform.Http;

namespace O4O.Platform.Products;

internal static partial class ProductRules
{
    public const int MaxSearchLength = 100;
    public const decimal MaxPrice = 9_999_999_999.99m;

    /// <summary>Sort keys and the ORDER BY each one means: user input only ever picks from this table.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sorts = new Dictionary<string, string>
    {
        ["name"] = "name, id",
        ["price"] = "price, id",
        ["price_desc"] = "price DESC, id",
        ["newest"] = "created_at DESC, id DESC",
    };

    public static FieldErrors Validate(ProductInput input)
    {
        var errors = new FieldErrors();
        errors.When(string.IsNullOrWhiteSpace(input.Sku) || input.Sku.Length > 64 || !SkuPattern().IsMatch(input.Sku),
            "sku", "sku is required: 1 to 64 letters, digits, '.', '_' or '-'.");
        errors.When(string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200,
            "name", "name is required and at most 200 characters.");
        errors.When(!InputText.IsClean(input.Name), "name", "name cannot contain control characters.");
        errors.When(input.Description?.Length > 4000 || !InputText.IsClean(input.Description, multiline: true),
            "description", "description must be at most 4000 characters, without control characters other than line breaks and tabs.");
        errors.When(input.Price is not { } price || price < 0 || price > MaxPrice || decimal.Round(price, 2) != price,
            "price", $"price is required: 0 to {MaxPrice} with at most two decimals.");
        errors.When(input.Stock is null or < 0, "stock", "stock is required and cannot be negative.");
        return errors;
    }

    public static (PageRequest Page, string? Pattern, string OrderBy) ValidateQuery(ProductQuery query, FieldErrors errors)
    {
        var page = PageRequest.Validate(query.Page, query.PageSize, errors);
        errors.When(query.Q?.Length > MaxSearchLength || !InputText.IsClean(query.Q),
            "q", $"q must be at most {MaxSearchLength} characters, without control characters.");
        var sort = string.IsNullOrEmpty(query.Sort) ? "name" : query.Sort;
        if (!Sorts.TryGetValue(sort, out var orderBy))
        {
            errors.Add("sort", $"sort must be one of: {string.Join(", ", Sorts.Keys)}.");
            orderBy = Sorts["name"];
        }

        return (page, ToPattern(query.Q), orderBy);
    }

    /// <summary>A substring pattern for ILIKE in which <c>%</c>, <c>_</c> and <c>\</c> match only themselves.</summary>
    public static string? ToPattern(string? search)
    {
        var trimmed = search?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        var escaped = trimmed
            .Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
        return $"%{escaped}%";
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z")]
    private static partial Regex SkuPattern();
}
