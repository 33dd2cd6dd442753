using System.Globalization;
using O4O.Recovery.Resources;

namespace O4O.Recovery.Incidents;

/// <summary>A timeline entry's kind in words (<c>GaveUp</c> is "automatic recovery gave up"), as the post-mortem writes it.</summary>
public static class TimelineKinds
{
    /// <summary>Every kind's words in <paramref name="culture"/> (Korean when its language is "ko").</summary>
    public static IReadOnlyDictionary<string, string> For(CultureInfo culture) => RecoveryText.WithPrefix("Kind.", culture);

    /// <summary><paramref name="kind"/> in words, or as it is when it has none.</summary>
    public static string Describe(string kind, CultureInfo culture) => For(culture).GetValueOrDefault(kind, kind);
}
