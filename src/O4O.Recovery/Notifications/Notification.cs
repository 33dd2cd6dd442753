using System.Text.Json;

namespace O4O.Recovery.Notifications;

/// <summary>
/// What a channel delivers: a page to an escalation level, a repeat, or the news that the incident is resolved.
/// Webhooks and commands receive it as JSON; Slack and e-mail receive <see cref="Subject"/> and <see cref="Text"/>.
/// </summary>
/// <param name="Kind">"page", "repeat", "resolved", or "reopened" (failed again after "resolved" was sent).</param>
/// <param name="IncidentId">The incident's number.</param>
/// <param name="Level">The escalation level paged (L1...).</param>
/// <param name="Owner">Who answers at that level.</param>
/// <param name="Subject">One line: what and how urgent.</param>
/// <param name="Text">The full message, with times and the response expected.</param>
/// <param name="FirstAlertAt">When the failure began.</param>
/// <param name="ResolvedAt">When it was resolved, for "resolved".</param>
/// <param name="DurationSeconds">The outage so far, or in total once resolved.</param>
/// <param name="RespondWithinSeconds">The response time expected of the level.</param>
public sealed record Notification(
    string Kind,
    long IncidentId,
    string Level,
    string Owner,
    string Subject,
    string Text,
    DateTimeOffset FirstAlertAt,
    DateTimeOffset? ResolvedAt,
    double DurationSeconds,
    double RespondWithinSeconds)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <summary>The JSON a webhook or a command receives.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, _json);

    /// <summary>Reads <see cref="ToJson"/>'s output.</summary>
    public static Notification FromJson(string json) =>
        JsonSerializer.Deserialize<Notification>(json, _json) ?? throw new JsonException("An empty notification.");
}
