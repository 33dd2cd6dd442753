using System.Globalization;
using System.Text.Json;
using O4O.Recovery.Incidents;

namespace O4O.Recovery.Notifications;

/// <summary>
/// What a channel delivers: a page to an escalation level, a repeat, or the news that the incident is resolved.
/// Webhooks and commands receive it as JSON; Slack and e-mail receive <see cref="Subject"/> and <see cref="Text"/>.
/// </summary>
/// <param name="Kind">"page", "repeat", "resolved", "reopened" (failed again after "resolved" was sent), "overrun", or
/// "summary" (several levels that came due while escalation was not running, paged together).</param>
/// <param name="IncidentId">The incident's number.</param>
/// <param name="Level">The escalation level paged (L1...).</param>
/// <param name="Owner">Who answers at that level.</param>
/// <param name="Subject">One line: what and how urgent.</param>
/// <param name="Text">The full message, with times and the response expected.</param>
/// <param name="FirstAlertAt">When the failure began.</param>
/// <param name="ResolvedAt">When it was resolved, for "resolved".</param>
/// <param name="DurationSeconds">The outage so far, or in total once resolved.</param>
/// <param name="RespondWithinSeconds">The response time expected of the level.</param>
/// <param name="RaisedAt">When it was raised, for one delivered late (it waited in the outbox); null when delivered at once.</param>
/// <param name="QueuedSeconds">How long it waited in the outbox before this delivery, for one delivered late.</param>
internal sealed record Notification(
    string Kind,
    long IncidentId,
    string Level,
    string Owner,
    string Subject,
    string Text,
    DateTimeOffset FirstAlertAt,
    DateTimeOffset? ResolvedAt,
    double DurationSeconds,
    double RespondWithinSeconds,
    DateTimeOffset? RaisedAt = null,
    double? QueuedSeconds = null)
{
    /// <summary>A notification delivered this long after it was raised says how old it is: it is no longer news of now.</summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(1);

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// This notification as delivered <paramref name="queued"/> after <paramref name="raisedAt"/>: the subject and text
    /// say when it was raised and how long it waited, so a page that sat in the outbox is not read as current.
    /// </summary>
    public Notification Late(DateTimeOffset raisedAt, TimeSpan queued)
    {
        var raised = raisedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var waited = DurationText.Format(queued, CultureInfo.InvariantCulture);
        return this with
        {
            Subject = $"{Subject} (raised {raised}, queued for {waited})",
            Text = $"Raised at {raised} and queued for {waited}: no channel could deliver it until now. What follows was true when it was raised.\n{Text}",
            RaisedAt = raisedAt,
            QueuedSeconds = queued.TotalSeconds,
        };
    }

    /// <summary>The JSON a webhook or a command receives.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, _json);

    /// <summary>Reads <see cref="ToJson"/>'s output.</summary>
    public static Notification FromJson(string json) =>
        JsonSerializer.Deserialize<Notification>(json, _json) ?? throw new JsonException("An empty notification.");
}
