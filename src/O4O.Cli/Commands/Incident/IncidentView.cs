using System.Globalization;
using System.Text.Json.Serialization;
using O4O.Cli.Resources;
using O4O.Recovery.Incidents;

namespace O4O.Cli.Commands;

/// <summary>An incident as <c>--json</c> prints it (a stable shape) and as people read it.</summary>
internal sealed record IncidentView(
    long Id,
    string Title,
    string Status,
    string OpenedBy,
    DateTimeOffset FirstAlertAt,
    DateTimeOffset? ResolvedAt,
    double DurationSeconds,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    string? FailureType,
    string Impact,
    string RootCause,
    string Actions,
    IReadOnlyList<string> Components,
    IReadOnlyList<TimelineEntry>? Timeline)
{
    public static IncidentView From(Incident incident, DateTimeOffset now, IReadOnlyList<TimelineEntry>? timeline = null) =>
        new(incident.Id, incident.Title, incident.IsOpen ? "open" : "resolved", incident.OpenedBy, incident.FirstAlertAt, incident.ResolvedAt,
            Math.Round(incident.Duration(now).TotalSeconds, 3), incident.AcknowledgedAt, incident.AcknowledgedBy, incident.FailureType?.ToString(),
            incident.Impact, incident.RootCause, incident.Actions, incident.Components, timeline)
        {
            TitleText = IncidentText.Title(incident, CultureInfo.CurrentUICulture),
            TimelineText = timeline?.Select(entry => IncidentText.Entry(entry, incident, CultureInfo.CurrentUICulture)).ToList(),
        };

    /// <summary>The title in the reader's language; <c>--json</c> keeps the stored <see cref="Title"/>.</summary>
    [JsonIgnore]
    public string TitleText { get; init; } = Title;

    /// <summary>Each timeline entry's text in the reader's language, in the timeline's order.</summary>
    [JsonIgnore]
    public IReadOnlyList<string>? TimelineText { get; init; }

    public string StatusText => Status == "open" ? Strings.IncidentStatusOpen : Strings.IncidentStatusResolved;

    public string DurationText => Recovery.Incidents.DurationText.Format(TimeSpan.FromSeconds(DurationSeconds), CultureInfo.CurrentUICulture);

    public static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
