using System.Globalization;
using Microsoft.Data.Sqlite;
using O4O.Recovery.IO;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.State;

/// <summary>
/// Every detection and action of the conductor, in <c>$O4O_HOME/state.db</c> (table <c>recovery_events</c>):
/// the journal that survives the conductor and that <c>o4o status</c> and the control API read back.
/// </summary>
public sealed class EventLog : IRecoveryJournal
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS recovery_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            component TEXT NOT NULL,
            kind TEXT NOT NULL,
            seen TEXT NOT NULL,
            done TEXT NOT NULL,
            outcome TEXT NOT NULL,
            failure_type TEXT,
            actor TEXT NOT NULL);
        """;

    private readonly string _connectionString;

    /// <summary>Opens (and creates) the event log in <paramref name="stateDatabase"/>.</summary>
    public EventLog(string stateDatabase)
    {
        _connectionString = StateDatabase.ConnectionString(stateDatabase);
        StateDatabase.Execute(_connectionString, Schema);
    }

    /// <inheritdoc />
    public async Task RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken)
    {
        await using var connection = await StateDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = StateDatabase.Command(connection,
            "INSERT INTO recovery_events (at, component, kind, seen, done, outcome, failure_type, actor) VALUES ($at, $component, $kind, $seen, $done, $outcome, $type, $actor)",
            ("$at", recoveryEvent.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)), ("$component", recoveryEvent.Component),
            ("$kind", recoveryEvent.Kind.ToString()), ("$seen", recoveryEvent.Seen), ("$done", recoveryEvent.Done),
            ("$outcome", recoveryEvent.Outcome), ("$type", recoveryEvent.FailureType?.ToString()), ("$actor", recoveryEvent.Actor));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The newest <paramref name="limit"/> events, oldest first.</summary>
    public async Task<IReadOnlyList<RecoveryEvent>> RecentAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await StateDatabase.OpenAsync(_connectionString, cancellationToken);
        await using var command = StateDatabase.Command(connection,
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
}

/// <summary>Connections to <c>state.db</c> for the event log and the settings.</summary>
internal static class StateDatabase
{
    public static string ConnectionString(string path)
    {
        PrivateFiles.CreateIfMissing(path);
        return new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString();
    }

    public static void Execute(string connectionString, string sql)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = Command(connection, sql);
        command.ExecuteNonQuery();
    }

    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        State.BackupCatalogue.Command(connection, sql, parameters);
}
