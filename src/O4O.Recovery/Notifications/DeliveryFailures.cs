using O4O.Recovery.State;
using static O4O.Recovery.Incidents.Sql;

namespace O4O.Recovery.Notifications;

/// <summary>A channel with notifications that failed and wait for a retry, as <c>o4o status</c> shows it.</summary>
/// <param name="Channel">The channel's name.</param>
/// <param name="Pending">How many notifications wait for it.</param>
/// <param name="Attempts">The most attempts any of them has had.</param>
/// <param name="LastError">Why the latest attempt failed.</param>
/// <param name="LastAttemptAt">When it was tried last.</param>
/// <param name="NextAttemptAt">When it is tried next.</param>
public sealed record DeliveryFailure(string Channel, int Pending, int Attempts, string LastError, DateTimeOffset LastAttemptAt, DateTimeOffset NextAttemptAt);

/// <summary>Reads the outbox's failures without needing the channels.</summary>
public static class DeliveryFailures
{
    /// <summary>The channels whose undelivered notifications have failed at least once, by name.</summary>
    public static async Task<IReadOnlyList<DeliveryFailure>> ReadAsync(string stateDatabase, CancellationToken cancellationToken)
    {
        await using var connection = await StateDatabase.OpenAsync(stateDatabase, cancellationToken);
        await using var command = Command(connection, """
            SELECT channel, count(*), max(attempts),
                   (SELECT last_error FROM notification_outbox l WHERE l.channel = o.channel AND l.last_error IS NOT NULL ORDER BY l.last_attempt_at DESC LIMIT 1),
                   max(last_attempt_at), min(next_attempt_at)
            FROM notification_outbox o
            WHERE delivered_at IS NULL
            GROUP BY channel
            HAVING max(attempts) > 0
            ORDER BY channel
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var failures = new List<DeliveryFailure>();
        while (await reader.ReadAsync(cancellationToken))
        {
            failures.Add(new DeliveryFailure(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), Text(reader, 3) ?? "",
                Time(reader, 4)!.Value, Time(reader, 5)!.Value));
        }

        return failures;
    }
}
