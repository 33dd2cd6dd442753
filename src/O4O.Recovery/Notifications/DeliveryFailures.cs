using Dapper;
using O4O.Recovery.State;

namespace O4O.Recovery.Notifications;

/// <summary>A channel with notifications that failed and wait for a retry, as <c>o4o status</c> shows it.</summary>
/// <param name="Channel">The channel's name.</param>
/// <param name="Pending">How many notifications wait for it.</param>
/// <param name="Attempts">The most attempts any of them has had.</param>
/// <param name="LastError">Why the latest attempt failed.</param>
/// <param name="LastAttemptAt">When it was tried last.</param>
/// <param name="NextAttemptAt">When it is tried next.</param>
internal sealed record DeliveryFailure(string Channel, int Pending, int Attempts, string LastError, DateTimeOffset LastAttemptAt, DateTimeOffset NextAttemptAt);

/// <summary>Reads the outbox's failures without needing the channels.</summary>
internal static class DeliveryFailures
{
    /// <summary>The channels whose undelivered notifications have failed at least once, by name.</summary>
    public static async Task<IReadOnlyList<DeliveryFailure>> ReadAsync(string stateDatabase, CancellationToken cancellationToken)
    {
        await using var connection = await StateDatabase.OpenAsync(stateDatabase, cancellationToken);
        var rows = await connection.QueryAsync<FailureRow>(new CommandDefinition("""
            SELECT channel, count(*) AS Pending, max(attempts) AS Attempts,
                   coalesce((SELECT last_error FROM notification_outbox l WHERE l.channel = o.channel AND l.last_error IS NOT NULL ORDER BY l.last_attempt_at DESC LIMIT 1), '') AS LastError,
                   max(last_attempt_at) AS LastAttemptAt, min(next_attempt_at) AS NextAttemptAt
            FROM notification_outbox o
            WHERE delivered_at IS NULL
            GROUP BY channel
            HAVING max(attempts) > 0
            ORDER BY channel
            """, cancellationToken: cancellationToken));
        return rows.Select(row => new DeliveryFailure(row.Channel, (int)row.Pending, (int)row.Attempts, row.LastError,
            DateTimeOffset.FromUnixTimeMilliseconds(row.LastAttemptAt), DateTimeOffset.FromUnixTimeMilliseconds(row.NextAttemptAt))).ToList();
    }

    // Properties rather than a constructor: SQLite gives aggregate columns no declared type for Dapper to match a constructor by.
    private sealed class FailureRow
    {
        public string Channel { get; init; } = "";

        public long Pending { get; init; }

        public long Attempts { get; init; }

        public string LastError { get; init; } = "";

        public long LastAttemptAt { get; init; }

        public long NextAttemptAt { get; init; }
    }
}
