using System.Globalization;

namespace O4O.Platform.Web.Admin;

/// <summary>
/// A whole number as an admin types it into a form: spaces around it, and the typographic minus (−) that some keyboards
/// and pasted text give in place of the hyphen.
/// </summary>
internal static class TypedInteger
{
    /// <summary>The number, or null when <paramref name="typed"/> is empty or not one.</summary>
    public static int? Parse(string? typed) =>
        int.TryParse(typed?.Trim().Replace('−', '-'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
