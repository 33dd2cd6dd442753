using System.Text.RegularExpressions;
using O4O.Platform.Http;

namespace O4O.Platform.Products;

internal static partial class ProductRules
{
    public const int MaxSearchLength = 100;
    public const decimal MaxPrice = 9_999_999_999.99m;
    public const int MaxAdjustment = 1_000_000;

    // Far below int's 2,147,483,647: a cancelled order's lines (at most MaxQuantity each) always fit back in, however
    // high the stock was raised meanwhile, so a cancel or refund can never fail on an overflow.
    public const int MaxStock = 1_000_000_000;
    public const int MaxReasonLength = 500;

    /// <summary>The <c>archived</c> query values and the filter each means.</summary>
    public static readonly IReadOnlyDictionary<string, bool?> ArchivedFilters = new Dictionary<string, bool?>
    {
        ["false"] = false,
        ["true"] = true,
        ["all"] = null,
    };

    /// <summary>Sort keys and the ORDER BY each one means: user input only ever picks from this table.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sorts = new Dictionary<string, string>
    {
        ["name"] = "p.name, p.id",
        ["price"] = "p.price, p.id",
        ["price_desc"] = "p.price DESC, p.id",
        ["newest"] = "p.created_at DESC, p.id DESC",
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
        errors.When(input.Stock is null or < 0 or > MaxStock, "stock", $"stock is required: a whole number from 0 to {MaxStock}.");
        errors.When(input.CategoryId is <= 0, "categoryId", "categoryId must be the id of a category, or null for none.");
        return errors;
    }

    public static FieldErrors Validate(CategoryInput input)
    {
        var errors = new FieldErrors();
        errors.When(string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 100 || !InputText.IsClean(input.Name),
            "name", "name is required: at most 100 characters, without control characters.");
        errors.When(input.NameKo is not null && (input.NameKo.Trim().Length > 100 || !InputText.IsClean(input.NameKo)),
            "nameKo", "nameKo is at most 100 characters, without control characters.");
        errors.When(!IsSlug(input.Slug), "slug", "slug is required: 1 to 64 lowercase letters, digits and single dashes between them, as in 'green-tea'.");
        errors.When(input.SortOrder is < -1_000_000 or > 1_000_000, "sortOrder", "sortOrder must be between -1000000 and 1000000.");
        return errors;
    }

    public static FieldErrors Validate(StockAdjustmentInput input)
    {
        var errors = new FieldErrors();
        errors.When(input.Delta is null or 0 || Math.Abs(input.Delta.Value) > MaxAdjustment,
            "delta", $"delta is required: a whole number from -{MaxAdjustment} to {MaxAdjustment}, not 0.");
        errors.When(string.IsNullOrWhiteSpace(input.Reason) || input.Reason.Trim().Length > MaxReasonLength || !InputText.IsClean(input.Reason),
            "reason", $"reason is required: at most {MaxReasonLength} characters, without control characters.");
        return errors;
    }

    public static bool IsSlug(string? slug) => slug is { Length: > 0 and <= 64 } && SlugPattern().IsMatch(slug);

    public static (PageRequest Page, ProductFilter Filter, string OrderBy) ValidateQuery(ProductQuery query, FieldErrors errors)
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

        errors.When(query.Category is not null && !IsSlug(query.Category), "category", "category must be a category's slug.");
        if (!ArchivedFilters.TryGetValue(query.Archived ?? "false", out var archived))
        {
            errors.Add("archived", $"archived must be one of: {string.Join(", ", ArchivedFilters.Keys)}.");
        }

        return (page, new ProductFilter(ToPattern(query.Q), query.Category, archived), orderBy);
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

    [GeneratedRegex(@"^[a-z0-9]+(-[a-z0-9]+)*\z")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z")]
    private static partial Regex SkuPattern();
}
