using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using O4O.Recovery.Configuration;
using O4O.Recovery.State;

namespace O4O.Recovery.Notifications;

/// <summary>
/// The durable outbox in <c>state.db</c>: notifications are written in the same transaction as the page that
/// caused them, and leave only by delivery. Every channel is delivered by its own loop, so a channel that is down
/// (retried with capped exponential back-off) delays nothing else and loses nothing.
/// </summary>
internal sealed partial class NotificationOutbox(string path, NotificationOptions options, IReadOnlyDictionary<string, INotificationChannel> channels,
    TimeProvider time, ILogger<NotificationOutbox>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<NotificationOutbox>.Instance;

    /// <summary>Delivers until <paramref name="cancellationToken"/> is cancelled, looking for due messages every <see cref="NotificationOptions.CheckEvery"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var running = new Dictionary<string, Task>(StringComparer.OrdinalIgnoreCase);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var channel in await DueChannelsAsync(cancellationToken))
                {
                    if (!running.TryGetValue(channel, out var delivery) || delivery.IsCompleted)
                    {
                        running[channel] = DeliverDueAsync(channel, cancellationToken);
                    }
                }

                await Task.Delay(options.CheckEvery, time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (SqliteException exception)
            {
                _logger.LogError(exception, "Could not read the notification outbox in {Path}", path);
                await Task.Delay(options.CheckEvery, time, CancellationToken.None);
            }
        }

        await Task.WhenAll(running.Values);
    }

    /// <summary>Delivers the due messages of <paramref name="channel"/> in order; stops at the first failure and backs the channel off.</summary>
    /// <returns>How many were delivered.</returns>
    public async Task<int> DeliverDueAsync(string channel, CancellationToken cancellationToken)
    {
        try
        {
            var delivered = 0;
            foreach (var message in await DueAsync(channel, cancellationToken))
            {
                if (!await DeliverAsync(channel, message, cancellationToken))
                {
                    break;
                }

                delivered++;
            }

            return delivered;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (SqliteException exception)
        {
            _logger.LogError(exception, "Could not deliver channel {Channel}'s notifications from {Path}", channel, path);
            return 0;
        }
    }

    /// <summary>Adds <paramref name="notification"/> for <paramref name="channel"/> inside the caller's transaction; due at once.</summary>
    internal static Task EnqueueAsync(SqliteConnection connection, string channel, Notification notification, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO notification_outbox (incident_id, channel, payload, created_at, next_attempt_at) VALUES (@incident, @channel, @payload, @now, @now)",
            new { incident = notification.IncidentId, channel, payload = notification.ToJson(), now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));

    private async Task<bool> DeliverAsync(string channel, OutboxMessage message, CancellationToken cancellationToken)
    {
        var notification = Notification.FromJson(message.Payload);
        var queued = time.GetUtcNow() - message.CreatedAt;
        if (queued >= Notification.LateAfter)
        {
            notification = notification.Late(message.CreatedAt, queued);
        }

        try
        {
            var target = channels.TryGetValue(channel, out var found) ? found
                : throw new DeliveryException($"no channel named '{channel}' is configured in Notifications:Channels");
            // Network time, not the escalation clock: a hung server is given up on after real seconds.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.DeliveryTimeout);
            await target.SendAsync(notification, timeout.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var error = exception is OperationCanceledException ? $"no answer within {options.DeliveryTimeout}" : exception.Message;
            await RecordFailureAsync(channel, message, notification, error, cancellationToken);
            return false;
        }

        await RecordDeliveryAsync(channel, message, notification, cancellationToken);
        return true;
    }

    private Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken) =>
        StateDatabase.OpenAsync(path, cancellationToken);
}
