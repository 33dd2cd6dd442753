using System.Globalization;
using Microsoft.Data.Sqlite;
using O4O.Recovery.Incidents;
using O4O.Recovery.Notifications;
using static O4O.Recovery.Incidents.Sql;

namespace O4O.Recovery.Escalation;

public sealed partial class EscalationService
{
    private sealed record Page(DateTimeOffset PagedAt, DateTimeOffset LastPagedAt, DateTimeOffset? MutedAt, DateTimeOffset? ResolvedNoticeAt);

    private static async Task<Dictionary<int, Page>> PagesAsync(SqliteConnection connection, long incident, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT level, paged_at, last_paged_at, muted_at, resolved_notice_at FROM escalation_pages WHERE incident_id = $id",
            ("$id", incident));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pages = new Dictionary<int, Page>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pages[reader.GetInt32(0)] = new Page(Time(reader, 1)!.Value, Time(reader, 2)!.Value, Time(reader, 3), Time(reader, 4));
        }

        return pages;
    }

    private static async Task<DateTimeOffset?> NewestOverrunAsync(SqliteConnection connection, long incident, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT max(at) FROM incident_timeline WHERE incident_id = $id AND kind = $kind",
            ("$id", incident), ("$kind", PhaseOutcome.OverrunKind));
        return await command.ExecuteScalarAsync(cancellationToken) is long milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;
    }

    private async Task PageAsync(SqliteConnection connection, Incident incident, int level, string kind, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var matrix = options.Levels[level];
        var notification = EscalationMessages.Page(incident, matrix, kind, now);
        foreach (var channel in matrix.Channels)
        {
            await NotificationOutbox.EnqueueAsync(connection, channel, notification, now, cancellationToken);
        }

        await RecordPagedAsync(connection, incident, level, now, cancellationToken);
        var text = kind switch
        {
            "page" => $"{matrix.Name} ({matrix.Owner}) paged via {string.Join(", ", matrix.Channels)}; respond within {DurationText.Format(matrix.RespondWithin, CultureInfo.InvariantCulture)}",
            "reopened" => $"{matrix.Name} ({matrix.Owner}) paged again: failed again after the resolution they were told of",
            "overrun" => $"{matrix.Name} ({matrix.Owner}) paged via {string.Join(", ", matrix.Channels)} ahead of time: a recovery phase overran its budget; respond within {DurationText.Format(matrix.RespondWithin, CultureInfo.InvariantCulture)}",
            _ => $"{matrix.Name} ({matrix.Owner}) paged again: not acknowledged",
        };
        await IncidentStore.AppendAsync(connection, incident.Id,
            new TimelineEntry(now, kind is "page" or "overrun" ? "Escalated" : "Repeated", "escalation", text, "escalation"), cancellationToken);
    }

    /// <summary>One notification per channel for <paramref name="levels"/> that came due together; each counts as paged.</summary>
    private async Task PageTogetherAsync(SqliteConnection connection, Incident incident, IReadOnlyList<int> levels, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var matrix = levels.Select(level => options.Levels[level]).ToList();
        var notification = EscalationMessages.Summary(incident, matrix, now);
        var channels = matrix.SelectMany(level => level.Channels).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var channel in channels)
        {
            await NotificationOutbox.EnqueueAsync(connection, channel, notification, now, cancellationToken);
        }

        foreach (var level in levels)
        {
            await RecordPagedAsync(connection, incident, level, now, cancellationToken);
        }

        var who = string.Join(", ", matrix.Select(level => $"{level.Name} ({level.Owner})"));
        await IncidentStore.AppendAsync(connection, incident.Id, new TimelineEntry(now, "Escalated", "escalation",
            $"{who} came due while escalation was not running: paged once, together, via {string.Join(", ", channels)}", "escalation"),
            cancellationToken);
    }

    private static Task<int> RecordPagedAsync(SqliteConnection connection, Incident incident, int level, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, """
            INSERT INTO escalation_pages (incident_id, level, paged_at, last_paged_at) VALUES ($id, $level, $now, $now)
            ON CONFLICT (incident_id, level) DO UPDATE SET last_paged_at = $now, repeats = repeats + 1, resolved_notice_at = NULL
            """, cancellationToken, ("$id", incident.Id), ("$level", level), ("$now", now.ToUnixTimeMilliseconds()));

    private async Task MuteAsync(SqliteConnection connection, Incident incident, int level, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "UPDATE escalation_pages SET muted_at = $now WHERE incident_id = $id AND level = $level",
            cancellationToken, ("$id", incident.Id), ("$level", level), ("$now", now.ToUnixTimeMilliseconds()));
        var matrix = options.Levels[level];
        await IncidentStore.AppendAsync(connection, incident.Id, new TimelineEntry(now, "Muted", "escalation",
            $"repeats to {matrix.Name} ({matrix.Owner}) muted: acknowledged by {incident.AcknowledgedBy}; escalation continues", "escalation"),
            cancellationToken);
    }

    private async Task AnnounceResolutionAsync(SqliteConnection connection, Incident incident, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var paged = (await PagesAsync(connection, incident.Id, cancellationToken)).Keys.Where(level => level < options.Levels.Count).Order().ToList();
        foreach (var level in paged)
        {
            var notification = EscalationMessages.Resolved(incident, options.Levels[level]);
            foreach (var channel in options.Levels[level].Channels)
            {
                await NotificationOutbox.EnqueueAsync(connection, channel, notification, now, cancellationToken);
            }
        }

        await ExecuteAsync(connection, "UPDATE escalation_pages SET resolved_notice_at = $now WHERE incident_id = $id",
            cancellationToken, ("$id", incident.Id), ("$now", now.ToUnixTimeMilliseconds()));
        var levels = string.Join(", ", paged.Select(level => options.Levels[level].Name));
        await IncidentStore.AppendAsync(connection, incident.Id, new TimelineEntry(now, "ResolvedNotice", "escalation",
            $"{levels} told it is resolved after {DurationText.Format(incident.Duration(now), CultureInfo.InvariantCulture)}", "escalation"),
            cancellationToken);
    }
}
