using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using O4O.Recovery.Incidents;

namespace O4O.Recovery.Dashboard;

/// <summary>
/// The dashboard's words in English or Korean (<c>?lang=ko</c>), from the embedded <c>Dashboard/Text/*.json</c>;
/// the page's script gets the same table.
/// </summary>
public sealed class DashboardText
{
    private static readonly DashboardText _english = Load("en");
    private static readonly DashboardText _korean = Load("ko");

    private DashboardText(bool korean, Dictionary<string, string> words)
    {
        IsKorean = korean;
        Words = words.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>True for Korean.</summary>
    public bool IsKorean { get; }

    /// <summary>Every word by key.</summary>
    public IReadOnlyDictionary<string, string> Words { get; }

    /// <summary>The word for <paramref name="key"/>.</summary>
    public string this[string key] => Words[key];

    /// <summary>Korean for <c>ko</c>, else English.</summary>
    public static DashboardText For(string? language) => language == "ko" ? _korean : _english;

    private static DashboardText Load(string language)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"O4O.Recovery.Dashboard.Text.{language}.json")
            ?? throw new InvalidOperationException($"Dashboard/Text/{language}.json is not embedded.");
        var words = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)!;
        // Timeline kinds in the post-mortem's words, so the page and the report say the same.
        foreach (var (kind, text) in TimelineKinds.For(CultureInfo.GetCultureInfo(language)))
        {
            words[$"kind.{kind}"] = text;
        }

        return new DashboardText(language == "ko", words);
    }
}
