using System.Globalization;

namespace O4O.Cli.Resources;

/// <summary>Fills a resource string's placeholders in the user's language.</summary>
internal static class Text
{
    // Resource formats change with the UI culture, so a cached CompositeFormat would pin one language.
    public static string Format(string format, params object?[] arguments) =>
        string.Format(CultureInfo.CurrentCulture, format, arguments);
}
