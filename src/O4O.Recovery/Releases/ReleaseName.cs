using System.Globalization;
using System.Text.RegularExpressions;

namespace O4O.Recovery.Releases;

/// <summary>
/// A release's directory name, <c>VERSION-YYYYMMDDTHHMMSSZ</c>: letters, digits, dots and dashes only, so a name an
/// operator types (<c>o4o rollback NAME</c>) can never leave <c>releases/</c>.
/// </summary>
public static partial class ReleaseName
{
    /// <summary>Whether <paramref name="name"/> could be a release's name.</summary>
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    /// <summary>The name of a release of <paramref name="version"/> published at <paramref name="at"/>.</summary>
    public static string For(string version, DateTimeOffset at)
    {
        // Build metadata (+commit) is not part of the name; anything unexpected becomes a dash.
        var plain = Unsafe().Replace(version.Split('+')[0], "-").Trim('-', '.');
        return $"{(plain.Length == 0 ? "0.0.0" : plain)}-{at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.-]{0,127}$")]
    private static partial Regex Pattern();

    [GeneratedRegex("[^A-Za-z0-9.-]+")]
    private static partial Regex Unsafe();
}
