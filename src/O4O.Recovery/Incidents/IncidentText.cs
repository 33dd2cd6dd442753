using System.Globalization;
using O4O.Recovery.Resources;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Incidents;

/// <summary>
/// An incident's title and the journal's own timeline lines in the reader's language. They are stored as the engine
/// wrote them, in English (the record, pages and <c>--json</c> read the same whatever language the conductor ran in);
/// each reader gets them in theirs at read time, from what the record holds beside the text: a detected failure's title
/// is "component: evidence" with the component and failure type stored with it, so a Korean reader gets a Korean
/// sentence followed by the evidence as the engine wrote it. What people typed is shown as typed.
/// </summary>
public static class IncidentText
{
    // The actor of every detection: an incident it opened has the journal's title.
    private const string Detector = "auto-recovery";

    /// <summary><paramref name="type"/> in words (<c>DataLoss</c> is "data loss").</summary>
    public static string Failure(FailureType type, CultureInfo culture) => RecoveryText.Get($"Failure.{type}", culture);

    /// <summary>The title the journal stores for an incident a failure of <paramref name="component"/> opens.</summary>
    internal static string StoredTitle(string component, string seen) => $"{component}: {seen}";

    /// <summary>The timeline line the journal stores when the last affected component recovered.</summary>
    internal static string AllRecovered => RecoveryText.Get("Timeline.AllRecovered", CultureInfo.InvariantCulture);

    /// <summary><paramref name="incident"/>'s title for a reader of <paramref name="culture"/>.</summary>
    public static string Title(Incident incident, CultureInfo culture)
    {
        if (incident.OpenedBy != Detector || incident.Components.FirstOrDefault(c => incident.Title.StartsWith(StoredTitle(c, ""), StringComparison.Ordinal))
            is not { } component)
        {
            return incident.Title;
        }

        var seen = incident.Title[StoredTitle(component, "").Length..];
        return incident.FailureType is { } type
            ? RecoveryText.Format("Title.Detected", culture, component, Failure(type, culture), seen)
            : RecoveryText.Format("Title.DetectedUntyped", culture, component, seen);
    }

    /// <summary><paramref name="entry"/>'s text for a reader of <paramref name="culture"/>: the journal's own lines in their words.</summary>
    public static string Entry(TimelineEntry entry, Incident incident, CultureInfo culture) => entry switch
    {
        { Kind: "Opened" } when entry.Text == incident.Title => Title(incident, culture),
        { Kind: "Resolved", Actor: Detector } when entry.Text == AllRecovered => RecoveryText.Get("Timeline.AllRecovered", culture),
        _ => entry.Text,
    };
}
