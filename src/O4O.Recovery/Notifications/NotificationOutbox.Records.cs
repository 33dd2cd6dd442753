using System.Globalization;
using Microsoft.Extensions.Logging;
using O4O.Recovery.Incidents;
using static O4O.Recovery.Incidents.Sql;

namespace O4O.Recovery.Notifications;

public sealed partial class NotificationOutbox
{
    private sealed record OutboxMessage(long Id, long? IncidentId, string Payload, int Attempts, DateTimeOffset CreatedAt);

    private async Task<IReadOnlyList<string>> DueChannelsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT DISTINCT channel FROM notification_outbox WHERE delivered_at IS NULL AND next_attempt_at <= $now",
            ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private async Task<IReadOnlyList<OutboxMessage>> DueAsync(string channel, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT id, incident_id, payload, attempts, created_at FROM notification_outbox WHERE channel = $channel AND delivered_at IS NULL AND next_attempt_at <= $now ORDER BY id",
            ("$channel", channel), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<OutboxMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new OutboxMessage(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetString(2), reader.GetInt32(3),
                Time(reader, 4)!.Value));
        }

        return messages;
    }

    private async Task RecordDeliveryAsync(string channel, OutboxMessage message, Notification notification, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await ConnectAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "UPDATE notification_outbox SET delivered_at = $now, attempts = attempts + 1, last_attempt_at = $now WHERE id = $id",
            cancellationToken, ("$id", message.Id), ("$now", now.ToUnixTimeMilliseconds()));
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
        await ExecuteAsync(connection, "UPDATE notification_outbox SET attempts = $attempts, last_error = $error, last_attempt_at = $now WHERE id = $id",
            cancellationToken, ("$id", message.Id), ("$attempts", attempts), ("$error", error), ("$now", now.ToUnixTimeMilliseconds()));
        await ExecuteAsync(connection, "UPDATE notification_outbox SET next_attempt_at = $next WHERE channel = $channel AND delivered_at IS NULL",
            cancellationToken, ("$channel", channel), ("$next", (now + wait).ToUnixTimeMilliseconds()));
        if (attempts == 1)
        {
            await OnTimelineAsync(connection, message, new TimelineEntry(now, "NotifyFailed", "notifications",
                string.Create(CultureInfo.InvariantCulture, $"{notification.Level} {notification.Kind} via {channel} failed: {error}; retrying with back-off"),
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
