using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using O4O.Recovery.Incidents;

namespace O4O.Recovery.Notifications;

internal sealed partial class NotificationOutbox
{
    private sealed record OutboxMessage(long Id, long? IncidentId, string Payload, int Attempts, DateTimeOffset CreatedAt);

    private sealed record OutboxRow(long Id, long? IncidentId, string Payload, long Attempts, long CreatedAt);

    private async Task<IReadOnlyList<string>> DueChannelsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var names = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT channel FROM notification_outbox WHERE delivered_at IS NULL AND next_attempt_at <= @now",
            new { now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return names.ToList();
    }

    private async Task<IReadOnlyList<OutboxMessage>> DueAsync(string channel, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            "SELECT id, incident_id AS IncidentId, payload, attempts, created_at AS CreatedAt FROM notification_outbox WHERE channel = @channel AND delivered_at IS NULL AND next_attempt_at <= @now ORDER BY id",
            new { channel, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return rows.Select(row => new OutboxMessage(row.Id, row.IncidentId, row.Payload, (int)row.Attempts, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt)))
            .ToList();
    }

    private async Task RecordDeliveryAsync(string channel, OutboxMessage message, Notification notification, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await ConnectAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notification_outbox SET delivered_at = @now, attempts = attempts + 1, last_attempt_at = @now WHERE id = @id",
            new { id = message.Id, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        await OnTimelineAsync(connection, message, new TimelineEntry(now, "Notified", "notifications",
            $"{notification.Level} {notification.Kind} delivered via {channel}" + (message.Attempts > 0 ? $" after {message.Attempts + 1} attempts" : "")
            + (notification.QueuedSeconds is { } queued ? $", queued for {DurationText.Format(TimeSpan.FromSeconds(queued), CultureInfo.InvariantCulture)}" : ""),
            "notifications"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Backs the whole channel off (its other messages would fail the same way) and records the first failure.</summary>
    private async Task RecordFailureAsync(string channel, OutboxMessage message, Notification notification, string error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var attempts = message.Attempts + 1;
        var wait = TimeSpan.FromTicks(Math.Min(options.RetryMax.Ticks, options.RetryFirst.Ticks * (1L << Math.Min(attempts - 1, 30))));
        _logger.LogWarning("Notification {Id} via {Channel} failed (attempt {Attempts}): {Error}; retrying in {Wait}", message.Id, channel, attempts, error, wait);
        await using var connection = await ConnectAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notification_outbox SET attempts = @attempts, last_error = @error, last_attempt_at = @now WHERE id = @id",
            new { id = message.Id, attempts, error, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notification_outbox SET next_attempt_at = @next WHERE channel = @channel AND delivered_at IS NULL",
            new { channel, next = (now + wait).ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        if (attempts == 1)
        {
            await OnTimelineAsync(connection, message, new TimelineEntry(now, "NotifyFailed", "notifications",
                IncidentText.Written("Timeline.NotifyFailed", notification.Level, notification.Kind, channel, error),
                "notifications"), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task OnTimelineAsync(Microsoft.Data.Sqlite.SqliteConnection connection, OutboxMessage message, TimelineEntry entry,
        CancellationToken cancellationToken)
    {
        if (message.IncidentId is { } incident)
        {
            await IncidentStore.AppendAsync(connection, incident, entry, cancellationToken);
        }
    }
}
