using System.Collections;
using System.Collections.Frozen;
using System.Globalization;
using System.Resources;

namespace O4O.Recovery.Resources;

/// <summary>
/// The recovery side's words in English (<c>Recovery.resx</c>) and Korean (<c>Recovery.ko.resx</c>): the dashboard, the
/// post-mortem, durations and incident titles all read them here. Names carry their surface as a prefix
/// (<c>Dashboard.title</c>, <c>Kind.GaveUp</c>).
/// </summary>
public static class RecoveryText
{
    private static readonly ResourceManager _resources = new("O4O.Recovery.Resources.Recovery", typeof(RecoveryText).Assembly);

    /// <summary>Korean when <paramref name="language"/> is "ko", else English (the neutral resources).</summary>
    public static CultureInfo Culture(string? language) => language == "ko" ? CultureInfo.GetCultureInfo("ko") : CultureInfo.InvariantCulture;

    /// <summary>The words named <paramref name="name"/> in <paramref name="culture"/>, English where it has none.</summary>
    /// <exception cref="MissingManifestResourceException">No resource has that name.</exception>
    public static string Get(string name, CultureInfo culture) =>
        _resources.GetString(name, culture) ?? throw new MissingManifestResourceException($"Recovery.resx has no {name}.");

    /// <summary><see cref="Get"/> with <paramref name="arguments"/> put in its placeholders.</summary>
    public static string Format(string name, CultureInfo culture, params object?[] arguments) =>
        string.Format(culture, Get(name, culture), arguments);

    /// <summary>The background job <paramref name="job"/>'s name in <paramref name="culture"/>, or as it is when it has no translation.</summary>
    public static string Job(string job, CultureInfo culture) => _resources.GetString($"Job.{job}", culture) ?? job;

    /// <summary>Every resource whose name starts with <paramref name="prefix"/>, by the rest of its name, in <paramref name="culture"/>.</summary>
    public static FrozenDictionary<string, string> WithPrefix(string prefix, CultureInfo culture)
    {
        // The neutral set holds every name; each is then looked up in the culture, falling back to English.
        var names = _resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!;
        return names.Cast<DictionaryEntry>()
            .Select(entry => (string)entry.Key)
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[prefix.Length..], name => Get(name, culture), StringComparer.Ordinal);
    }
}
