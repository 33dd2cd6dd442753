using System.Globalization;

namespace O4O.Platform.Products;

/// <summary>A category; <paramref name="NameKo"/> is its name on Korean pages, when it has one.</summary>
public sealed record Category(long Id, string Name, string Slug, int SortOrder, string? NameKo)
{
    /// <summary>The name a page in <paramref name="culture"/> shows.</summary>
    public string NameIn(CultureInfo culture) => CategoryNames.In(culture, Name, NameKo);
}

/// <summary>The body of <c>POST</c> and <c>PUT /api/v1/categories</c>.</summary>
public sealed record CategoryInput(string? Name, string? Slug, int? SortOrder, string? NameKo = null);

/// <summary>Which of a category's names a page shows: the Korean one on Korean pages when there is one, else the name.</summary>
internal static class CategoryNames
{
    public static string In(CultureInfo culture, string name, string? nameKo) =>
        culture.TwoLetterISOLanguageName == "ko" && nameKo is { } korean ? korean : name;
}
