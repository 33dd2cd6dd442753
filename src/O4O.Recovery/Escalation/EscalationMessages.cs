using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.Notifications;

namespace O4O.Recovery.Escalation;

/// <summary>The words of a page and of a resolution notice.</summary>
internal static class EscalationMessages
{
    /// <summary>A page (or a repeat) to <paramref name="level"/> at <paramref name="now"/>.</summary>
    public static Notification Page(Incident incident, EscalationLevel level, string kind, DateTimeOffset now)
    {
        var open = incident.Duration(now);
        var subject = $"[O4O] {level.Name} {level.Owner}: incident #{incident.Id} open for {Format(open)} — {incident.Title}";
        var lines = new List<string>
        {
            $"Incident #{incident.Id}: {incident.Title}",
            $"Failure began {Time(incident.FirstAlertAt)} ({Format(open)} ago) and is not recovered.",
            $"You are {level.Name} ({level.Owner}): respond within {Format(level.RespondWithin)}.",
            $"Acknowledge: o4o incident ack {incident.Id} --by NAME",
        };
        if (kind == "overrun")
        {
            lines.Insert(2, "A recovery phase overran its runbook budget: you are paged ahead of the escalation schedule.");
        }

        if (level.Contacts.Count > 0)
        {
            lines.Add($"Contacts: {string.Join(", ", level.Contacts)}");
        }

        return new Notification(kind, incident.Id, level.Name, level.Owner, subject, string.Join('\n', lines), incident.FirstAlertAt, null,
            open.TotalSeconds, level.RespondWithin.TotalSeconds);
    }

    /// <summary>
    /// One page for <paramref name="levels"/> that all came due while escalation was not running: each level with its
    /// response time, sent once instead of a burst of pages in the same second.
    /// </summary>
    public static Notification Summary(Incident incident, IReadOnlyList<EscalationLevel> levels, DateTimeOffset now)
    {
        var open = incident.Duration(now);
        var names = $"{levels[0].Name}–{levels[^1].Name}";
        var subject = $"[O4O] {names}: incident #{incident.Id} open for {Format(open)} — {incident.Title}";
        var lines = new List<string>
        {
            $"Incident #{incident.Id}: {incident.Title}",
            $"Failure began {Time(incident.FirstAlertAt)} ({Format(open)} ago) and is not recovered.",
            $"Escalation was not running when levels {string.Join(", ", levels.Select(level => level.Name))} came due: this one message pages them all.",
        };
        foreach (var level in levels)
        {
            lines.Add($"{level.Name} ({level.Owner}), due at {Format(level.NotifyAfter)}: respond within {Format(level.RespondWithin)}"
                + (level.Contacts.Count > 0 ? $"; contacts: {string.Join(", ", level.Contacts)}" : ""));
        }

        lines.Add($"Acknowledge: o4o incident ack {incident.Id} --by NAME");
        return new Notification("summary", incident.Id, names, string.Join(", ", levels.Select(level => level.Owner)), subject,
            string.Join('\n', lines), incident.FirstAlertAt, null, open.TotalSeconds, levels[^1].RespondWithin.TotalSeconds);
    }

    /// <summary>The news, for a level that was paged, that <paramref name="incident"/> is resolved.</summary>
    public static Notification Resolved(Incident incident, EscalationLevel level)
    {
        var resolved = incident.ResolvedAt ?? throw new ArgumentException("The incident is not resolved.", nameof(incident));
        var duration = incident.Duration(resolved);
        var subject = $"[O4O] RESOLVED incident #{incident.Id} after {Format(duration)} — {incident.Title}";
        var text = $"Incident #{incident.Id}: {incident.Title}\nResolved at {Time(resolved)}; outage {Time(incident.FirstAlertAt)} to {Time(resolved)} ({Format(duration)}).";
        return new Notification("resolved", incident.Id, level.Name, level.Owner, subject, text, incident.FirstAlertAt, resolved,
            duration.TotalSeconds, level.RespondWithin.TotalSeconds);
    }

    private static string Format(TimeSpan duration) => DurationText.Format(duration, CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
