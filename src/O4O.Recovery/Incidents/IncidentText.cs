using System.Globalization;
using System.Text.RegularExpressions;
using O4O.Recovery.Resources;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Incidents;

/// <summary>
/// An incident's title and the engine's own timeline lines in the reader's language. They are stored as the engine
/// wrote them, in English (the record, pages and <c>--json</c> read the same whatever language the conductor ran in);
/// each reader gets them in theirs at read time. A detected failure's title is "component: evidence" with the
/// component and failure type stored beside it, so a Korean reader gets a Korean sentence followed by the evidence as
/// the engine wrote it. The engine's lines are written from the English <c>Timeline.*</c> formats (<see cref="Written"/>)
/// and read back by matching them, then put in the reader's format; names and errors in them stay as written, durations
/// are put in the reader's units. What people typed is shown as typed.
/// </summary>
public static partial class IncidentText
{
    // The actor of every detection: an incident it opened has the journal's title.
    private const string Detector = "auto-recovery";

    // Longest first: a format that is another's prefix with more after it ("paged via {2} ahead of time: …") wins.
    private static readonly Lazy<(string Name, Regex Pattern)[]> _lines = new(() => [.. RecoveryText.WithPrefix("Timeline.", CultureInfo.InvariantCulture)
        .OrderByDescending(line => line.Value.Length)
        .Select(line => ($"Timeline.{line.Key}", Pattern(line.Value)))]);

    /// <summary><paramref name="type"/> in words (<c>DataLoss</c> is "data loss").</summary>
    public static string Failure(FailureType type, CultureInfo culture) => RecoveryText.Get($"Failure.{type}", culture);

    /// <summary>The timeline line the engine stores for the <c>Timeline.*</c> resource <paramref name="name"/>.</summary>
    public static string Written(string name, params object?[] arguments) => RecoveryText.Format(name, CultureInfo.InvariantCulture, arguments);

    /// <summary>The title the journal stores for an incident a failure of <paramref name="component"/> opens.</summary>
    internal static string StoredTitle(string component, string seen) => $"{component}: {seen}";

    /// <summary>
    /// <paramref name="incident"/>'s title for a reader of <paramref name="culture"/>: a detection's in their words, one a
    /// command opened with one of the engine's lines (isolating the shop) as that line in their words.
    /// </summary>
    public static string Title(Incident incident, CultureInfo culture)
    {
        if (incident.OpenedBy != Detector || incident.Components.FirstOrDefault(c => incident.Title.StartsWith(StoredTitle(c, ""), StringComparison.Ordinal))
            is not { } component)
        {
            return incident.OpenedBy == Detector ? incident.Title : Line(incident.Title, culture);
        }

        var seen = incident.Title[StoredTitle(component, "").Length..];
        return incident.FailureType is { } type
            ? RecoveryText.Format("Title.Detected", culture, component, Failure(type, culture), seen)
            : RecoveryText.Format("Title.DetectedUntyped", culture, component, seen);
    }

    /// <summary><paramref name="entry"/>'s text for a reader of <paramref name="culture"/>: the engine's own lines in their words.</summary>
    public static string Entry(TimelineEntry entry, Incident incident, CultureInfo culture)
    {
        if (entry.Kind is "Opened" or "Note")
        {
            return entry.Kind == "Opened" && entry.Text == incident.Title ? Title(incident, culture) : entry.Text;
        }

        return Line(entry.Text, culture);
    }

    // One of the engine's Timeline.* lines in the reader's format; anything else as written.
    private static string Line(string text, CultureInfo culture)
    {
        foreach (var (name, pattern) in _lines.Value)
        {
            if (pattern.Match(text) is not { Success: true } match)
            {
                continue;
            }

            var format = RecoveryText.Get(name, culture);
            return format == RecoveryText.Get(name, CultureInfo.InvariantCulture)
                ? text
                : string.Format(culture, format, [.. match.Groups.Cast<Group>().Skip(1).OrderBy(group => group.Name, StringComparer.Ordinal)
                    .Select(group => Argument(group.Value, culture))]);
        }

        return text;
    }

    // A duration the engine wrote (a TimeSpan, or "15 min") in the reader's units; anything else as written.
    private static string Argument(string value, CultureInfo culture) =>
        value.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParseExact(value, "c", CultureInfo.InvariantCulture, out var span) ? DurationText.Format(span, culture)
        : DurationText.TryParse(value, out var duration) ? DurationText.Format(duration, culture)
        : value;

    // "acknowledged by {0}" becomes ^acknowledged by (?<a0>.+?)$.
    private static Regex Pattern(string format) =>
        new($"^{Placeholder().Replace(Regex.Escape(format), match => $"(?<a{match.Groups[1].Value}>.+?)")}$", RegexOptions.Singleline);

    [GeneratedRegex(@"\\\{(\d)}")]
    private static partial Regex Placeholder();
}
