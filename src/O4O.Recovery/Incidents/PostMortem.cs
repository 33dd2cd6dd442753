using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using O4O.Recovery.Resources;

namespace O4O.Recovery.Incidents;

/// <summary>
/// The runbook's post-mortem template (date, outage start–end and duration, impact, timeline, root cause, actions)
/// filled from an incident's record. Times are UTC. Korean headings when the culture's language is Korean.
/// </summary>
public static partial class PostMortem
{
    /// <summary>The report of <paramref name="incident"/> as Markdown.</summary>
    /// <param name="incident">The incident.</param>
    /// <param name="timeline">Its timeline, in order.</param>
    /// <param name="culture">The reader's language: Korean for "ko", else English.</param>
    /// <param name="now">The end of an outage still under way.</param>
    public static string Render(Incident incident, IReadOnlyList<TimelineEntry> timeline, CultureInfo culture, DateTimeOffset now)
    {
        var text = RecoveryText.WithPrefix("PostMortem.", culture);
        var kinds = TimelineKinds.For(culture);
        var start = incident.FirstAlertAt.ToUniversalTime();
        var end = incident.ResolvedAt?.ToUniversalTime();
        var report = new StringBuilder();
        report.Append(CultureInfo.InvariantCulture, $"## {text["Heading"]}\n\n");
        report.Append(CultureInfo.InvariantCulture, $"**{text["Incident"]}**: #{incident.Id} {IncidentText.Title(incident, culture)}\n");
        report.Append(CultureInfo.InvariantCulture, $"**{text["Date"]}**: {start:yyyy-MM-dd} (UTC)\n");
        var until = end is { } e ? Clock(e, start) : text["Ongoing"];
        report.Append(CultureInfo.InvariantCulture,
            $"**{text["Outage"]}**: {Clock(start, start)} - {until} ({DurationText.Format(incident.Duration(now), culture)})\n");
        report.Append(CultureInfo.InvariantCulture, $"**{text["Impact"]}**: {Filled(incident.Impact, text, incident.Id, "--impact")}\n\n");
        report.Append(CultureInfo.InvariantCulture, $"### {text["Timeline"]}\n");
        foreach (var entry in timeline)
        {
            var kind = kinds.GetValueOrDefault(entry.Kind, entry.Kind);
            var who = entry.Actor is "auto-recovery" or "escalation" or "notifications" ? "" : $" ({entry.Actor})";
            report.Append(CultureInfo.InvariantCulture, $"- {Clock(entry.At.ToUniversalTime(), start)} - {kind}: {OneLine(IncidentText.Entry(entry, incident, culture))}{who}\n");
        }

        report.Append(CultureInfo.InvariantCulture, $"\n### {text["RootCause"]}\n{Filled(incident.RootCause, text, incident.Id, "--root-cause")}\n\n");
        report.Append(CultureInfo.InvariantCulture, $"### {text["Actions"]}\n");
        var actions = incident.Actions.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (actions.Length == 0)
        {
            report.Append(CultureInfo.InvariantCulture, $"{Filled("", text, incident.Id, "--actions")}\n");
        }

        for (var i = 0; i < actions.Length; i++)
        {
            report.Append(CultureInfo.InvariantCulture, $"{i + 1}. {Numbering().Replace(actions[i], "")}\n");
        }

        return report.ToString();
    }

    /// <summary>HH:mm:ss, with the date when it is not the outage's first day.</summary>
    private static string Clock(DateTimeOffset at, DateTimeOffset start) =>
        at.ToString(at.Date == start.Date ? "HH:mm:ss" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Filled(string value, IReadOnlyDictionary<string, string> text, long id, string option) =>
        string.IsNullOrWhiteSpace(value) ? string.Format(CultureInfo.InvariantCulture, text["NotRecorded"], id, option) : OneLine(value);

    private static string OneLine(string value) => string.Join(' ', value.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    // People type "1. patch" or "- patch"; the report numbers the actions itself.
    [GeneratedRegex(@"^(\d+[.)]|[-*])\s*")]
    private static partial Regex Numbering();
}
