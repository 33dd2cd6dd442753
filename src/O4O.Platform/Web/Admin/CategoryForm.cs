using System.Globalization;
using O4O.Platform.Products;

namespace O4O.Platform.Web.Admin;

/// <summary>The category form as typed: strings, so a wrong value is shown back as it was entered.</summary>
public sealed record CategoryForm(string? Name, string? NameKo, string? Slug, string? SortOrder)
{
    public static CategoryForm Empty { get; } = new(null, null, null, "0");

    public static CategoryForm From(Category category) =>
        new(category.Name, category.NameKo, category.Slug, category.SortOrder.ToString(CultureInfo.InvariantCulture));

    // A blank Korean name is no Korean name: CategoryStore stores it as null.
    public CategoryInput ToInput() => new(Name, Slug?.Trim(), TypedInteger.Parse(SortOrder), NameKo);

    /// <summary>The fields in error, by the API's names.</summary>
    public IReadOnlySet<string> Invalid()
    {
        var invalid = ProductRules.Validate(ToInput()).ToDictionary().Keys.ToHashSet(StringComparer.Ordinal);
        if (TypedInteger.Parse(SortOrder) is null)
        {
            invalid.Add("sortOrder");
        }

        return invalid;
    }
}
