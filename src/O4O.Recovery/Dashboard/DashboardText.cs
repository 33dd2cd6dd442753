using System.Collections.Frozen;
using O4O.Recovery.Incidents;
using O4O.Recovery.Resources;

namespace O4O.Recovery.Dashboard;

/// <summary>
/// The dashboard's words in English or Korean (<c>?lang=ko</c>): the <c>Dashboard.*</c> resources of
/// <see cref="RecoveryText"/>, with the timeline kinds (<c>kind.*</c>) and duration units (<c>duration.*</c>) the post-mortem uses, so the page and the
/// report say the same. The page's script gets the same table.
/// </summary>
internal sealed class DashboardText
{
    private static readonly DashboardText _english = Load(null);
    private static readonly DashboardText _korean = Load("ko");

    private DashboardText(bool korean, FrozenDictionary<string, string> words)
    {
        IsKorean = korean;
        Words = words;
    }

    /// <summary>True for Korean.</summary>
    public bool IsKorean { get; }

    /// <summary>Every word by key.</summary>
    public IReadOnlyDictionary<string, string> Words { get; }

    /// <summary>The word for <paramref name="key"/>.</summary>
    public string this[string key] => Words[key];

    /// <summary>Korean for <c>ko</c>, else English.</summary>
    public static DashboardText For(string? language) => language == "ko" ? _korean : _english;

    private static DashboardText Load(string? language)
    {
        var culture = RecoveryText.Culture(language);
        var words = new Dictionary<string, string>(RecoveryText.WithPrefix("Dashboard.", culture), StringComparer.Ordinal);
        foreach (var (kind, text) in TimelineKinds.For(culture))
        {
            words[$"kind.{kind}"] = text;
        }

        foreach (var (unit, text) in RecoveryText.WithPrefix("Duration.", culture))
        {
            words[$"duration.{unit}"] = text;
        }

        // A background job's card is titled by its name, as a component's is.
        foreach (var (job, text) in RecoveryText.WithPrefix("Job.", culture))
        {
            words[job] = text;
        }

        return new DashboardText(language == "ko", words.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
