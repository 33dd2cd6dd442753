using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using O4O.Recovery.Incidents;
using O4O.Recovery.Notifications;

namespace O4O.Recovery.Escalation;

internal sealed partial class EscalationService
{
    private sealed record Page(DateTimeOffset PagedAt, DateTimeOffset LastPagedAt, DateTimeOffset? MutedAt, DateTimeOffset? ResolvedNoticeAt);

    private sealed record PageRow(long Level, long PagedAt, long LastPagedAt, long? MutedAt, long? ResolvedNoticeAt)
    {
        public Page ToPage() => new(DateTimeOffset.FromUnixTimeMilliseconds(PagedAt), DateTimeOffset.FromUnixTimeMilliseconds(LastPagedAt),
            MutedAt is { } muted ? DateTimeOffset.FromUnixTimeMilliseconds(muted) : null,
            ResolvedNoticeAt is { } told ? DateTimeOffset.FromUnixTimeMilliseconds(told) : null);
    }

    private static async Task<Dictionary<int, Page>> PagesAsync(SqliteConnection connection, long incident, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<PageRow>(new CommandDefinition(
            "SELECT level, paged_at AS PagedAt, last_paged_at AS LastPagedAt, muted_at AS MutedAt, resolved_notice_at AS ResolvedNoticeAt FROM escalation_pages WHERE incident_id = @id",
            new { id = incident }, cancellationToken: cancellationToken));
        return rows.ToDictionary(row => (int)row.Level, row => row.ToPage());
    }

    private static async Task<DateTimeOffset?> NewestOverrunAsync(SqliteConnection connection, long incident, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT max(at) FROM incident_timeline WHERE incident_id = @id AND kind = @kind",
            new { id = incident, kind = PhaseOutcome.OverrunKind }, cancellationToken: cancellationToken)) is { } milliseconds
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null;

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
            "page" => IncidentText.Written("Timeline.Paged", matrix.Name, matrix.Owner, string.Join(", ", matrix.Channels),
                DurationText.Format(matrix.RespondWithin, CultureInfo.InvariantCulture)),
            "reopened" => IncidentText.Written("Timeline.PagedAfterReopen", matrix.Name, matrix.Owner),
            "overrun" => IncidentText.Written("Timeline.PagedAhead", matrix.Name, matrix.Owner, string.Join(", ", matrix.Channels),
                DurationText.Format(matrix.RespondWithin, CultureInfo.InvariantCulture)),
            _ => IncidentText.Written("Timeline.PagedAgain", matrix.Name, matrix.Owner),
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
            IncidentText.Written("Timeline.PagedTogether", who, string.Join(", ", channels)), "escalation"),
            cancellationToken);
    }

    private static Task<int> RecordPagedAsync(SqliteConnection connection, Incident incident, int level, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO escalation_pages (incident_id, level, paged_at, last_paged_at) VALUES (@id, @level, @now, @now)
            ON CONFLICT (incident_id, level) DO UPDATE SET last_paged_at = @now, repeats = repeats + 1, resolved_notice_at = NULL
            """, new { id = incident.Id, level, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));

    private async Task MuteAsync(SqliteConnection connection, Incident incident, int level, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE escalation_pages SET muted_at = @now WHERE incident_id = @id AND level = @level",
            new { id = incident.Id, level, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        var matrix = options.Levels[level];
        await IncidentStore.AppendAsync(connection, incident.Id, new TimelineEntry(now, "Muted", "escalation",
            IncidentText.Written("Timeline.Muted", matrix.Name, matrix.Owner, incident.AcknowledgedBy), "escalation"),
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

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE escalation_pages SET resolved_notice_at = @now WHERE incident_id = @id",
            new { id = incident.Id, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        var levels = string.Join(", ", paged.Select(level => options.Levels[level].Name));
        await IncidentStore.AppendAsync(connection, incident.Id, new TimelineEntry(now, "ResolvedNotice", "escalation",
            IncidentText.Written("Timeline.ResolvedNotice", levels, DurationText.Format(incident.Duration(now), CultureInfo.InvariantCulture)), "escalation"),
            cancellationToken);
    }
}
