using O4O.Platform.Http;
using O4O.Platform.Products;

namespace O4O.Platform.Web;

internal static class SearchText
{
    /// <summary>A page is forgiving where the API is strict: odd search input is clamped rather than refused.</summary>
    public static string? Clamp(string? q)
    {
        var search = InputText.IsClean(q) ? q?.Trim() : string.Concat(q!.Where(c => !char.IsControl(c))).Trim();
        return search?.Length > ProductRules.MaxSearchLength ? search[..ProductRules.MaxSearchLength] : search;
    }

    /// <summary>A page number from the query string, clamped to the range the stores accept.</summary>
    public static PageRequest Page(int? page, int pageSize) => new(Math.Clamp(page ?? 1, 1, PageRequest.MaxPage), pageSize);
}
