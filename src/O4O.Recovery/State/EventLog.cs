using System.Globalization;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.State;

/// <summary>
/// Every detection and action of the conductor, in <c>$O4O_HOME/state.db</c> (table <c>recovery_events</c>):
/// the journal that survives the conductor and that <c>o4o status</c> and the control API read back.
/// </summary>
public sealed class EventLog : IRecoveryJournal
{
    private readonly string _path;

    /// <summary>Opens (and creates) the event log in <paramref name="stateDatabase"/>.</summary>
    public EventLog(string stateDatabase)
    {
        _path = stateDatabase;
        StateDatabase.Prepare(stateDatabase);
    }

    /// <inheritdoc />
    public Task RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken) => AddAsync(recoveryEvent, cancellationToken);

    /// <summary>Records <paramref name="recoveryEvent"/> and returns its row id, for <see cref="ReviseAsync"/>.</summary>
    public async Task<long> AddAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        await using var command = BackupCatalogue.Command(connection,
            "INSERT INTO recovery_events (at, component, kind, seen, done, outcome, failure_type, actor) VALUES ($at, $component, $kind, $seen, $done, $outcome, $type, $actor) RETURNING id",
            ("$at", Timestamp(recoveryEvent.At)), ("$component", recoveryEvent.Component),
            ("$kind", recoveryEvent.Kind.ToString()), ("$seen", recoveryEvent.Seen), ("$done", recoveryEvent.Done),
            ("$outcome", recoveryEvent.Outcome), ("$type", recoveryEvent.FailureType?.ToString()), ("$actor", recoveryEvent.Actor));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Rewrites what event <paramref name="id"/> saw: a count that grows in one row instead of a row each time.</summary>
    public async Task ReviseAsync(long id, string seen, CancellationToken cancellationToken)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        await using var command = BackupCatalogue.Command(connection, "UPDATE recovery_events SET seen = $seen WHERE id = $id", ("$seen", seen), ("$id", id));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes the events from before <paramref name="before"/> (<see cref="EventRetention"/>); returns how many.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        // Timestamps are stored as round-trip UTC text of one width, so text order is time order.
        await using var command = BackupCatalogue.Command(connection, "DELETE FROM recovery_events WHERE at < $before", ("$before", Timestamp(before)));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The newest <paramref name="limit"/> events, oldest first.</summary>
    public async Task<IReadOnlyList<RecoveryEvent>> RecentAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        await using var command = BackupCatalogue.Command(connection,
            "SELECT at, component, kind, seen, done, outcome, failure_type, actor FROM recovery_events ORDER BY id DESC LIMIT $limit",
            ("$limit", Math.Max(0, limit)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<RecoveryEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new RecoveryEvent(
                DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
                reader.GetString(1),
                Enum.Parse<RecoveryEventKind>(reader.GetString(2)),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : Enum.Parse<FailureType>(reader.GetString(6)),
                reader.GetString(7)));
        }

        events.Reverse();
        return events;
    }

    private static string Timestamp(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
