using Dapper;
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
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO recovery_events (at, component, kind, seen, done, outcome, failure_type, actor) VALUES (@at, @component, @kind, @seen, @done, @outcome, @type, @actor) RETURNING id",
            new
            {
                at = recoveryEvent.At.ToUnixTimeMilliseconds(),
                component = recoveryEvent.Component,
                kind = recoveryEvent.Kind.ToString(),
                seen = recoveryEvent.Seen,
                done = recoveryEvent.Done,
                outcome = recoveryEvent.Outcome,
                type = recoveryEvent.FailureType?.ToString(),
                actor = recoveryEvent.Actor,
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>Rewrites what event <paramref name="id"/> saw: a count that grows in one row instead of a row each time.</summary>
    public async Task ReviseAsync(long id, string seen, CancellationToken cancellationToken)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE recovery_events SET seen = @seen WHERE id = @id", new { seen, id },
            cancellationToken: cancellationToken));
    }

    /// <summary>Deletes the events from before <paramref name="before"/> (<see cref="EventRetention"/>); returns how many.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM recovery_events WHERE at < @before",
            new { before = before.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    /// <summary>The newest <paramref name="limit"/> events, oldest first.</summary>
    public async Task<IReadOnlyList<RecoveryEvent>> RecentAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await StateDatabase.OpenAsync(_path, cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            "SELECT at, component, kind, seen, done, outcome, failure_type AS FailureType, actor FROM recovery_events ORDER BY id DESC LIMIT @limit",
            new { limit = Math.Max(0, limit) }, cancellationToken: cancellationToken));
        return rows.Reverse().Select(row => row.ToEvent()).ToList();
    }

    private sealed record EventRow(long At, string Component, string Kind, string Seen, string Done, string Outcome, string? FailureType, string Actor)
    {
        public RecoveryEvent ToEvent() => new(DateTimeOffset.FromUnixTimeMilliseconds(At), Component, Enum.Parse<RecoveryEventKind>(Kind), Seen, Done,
            Outcome, FailureType is null ? null : Enum.Parse<FailureType>(FailureType), Actor);
    }
}
