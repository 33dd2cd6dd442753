using Microsoft.Data.Sqlite;
using static O4O.Recovery.Incidents.Sql;

namespace O4O.Recovery.Incidents;

// What the journal needs to keep one incident per outage: find the incident a component belongs to,
// mark the component down or up, and reopen a recently resolved incident when the component fails again.
public sealed partial class IncidentStore
{
    internal static async Task<long?> OpenWithComponentAsync(SqliteConnection connection, string component, CancellationToken cancellationToken) =>
        await NullableIdAsync(connection,
            "SELECT i.id FROM incidents i JOIN incident_components c ON c.incident_id = i.id WHERE i.resolved_at IS NULL AND c.component = $c ORDER BY i.id DESC LIMIT 1",
            cancellationToken, ("$c", component));

    internal static async Task<long?> NewestOpenAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        await NullableIdAsync(connection, "SELECT id FROM incidents WHERE resolved_at IS NULL ORDER BY id DESC LIMIT 1", cancellationToken);

    /// <summary>The newest open incident with a component still down and a failure on its timeline since <paramref name="since"/>.</summary>
    internal static async Task<long?> OutageInProgressAsync(SqliteConnection connection, DateTimeOffset since, CancellationToken cancellationToken) =>
        await NullableIdAsync(connection, """
            SELECT i.id FROM incidents i
            WHERE i.resolved_at IS NULL
              AND EXISTS (SELECT 1 FROM incident_components c WHERE c.incident_id = i.id AND c.down = 1)
              AND EXISTS (SELECT 1 FROM incident_timeline t WHERE t.incident_id = i.id AND t.at >= $since AND t.kind IN ('Opened', 'Detected', 'GaveUp', 'Reopened'))
            ORDER BY i.id DESC LIMIT 1
            """, cancellationToken, ("$since", since.ToUnixTimeMilliseconds()));

    internal static async Task<long?> ResolvedWithComponentSinceAsync(SqliteConnection connection, string component, DateTimeOffset since,
        CancellationToken cancellationToken) =>
        await NullableIdAsync(connection,
            "SELECT i.id FROM incidents i JOIN incident_components c ON c.incident_id = i.id WHERE i.resolved_at >= $since AND c.component = $c ORDER BY i.resolved_at DESC LIMIT 1",
            cancellationToken, ("$c", component), ("$since", since.ToUnixTimeMilliseconds()));

    internal static Task MarkComponentAsync(SqliteConnection connection, long id, string component, bool down, CancellationToken cancellationToken) =>
        ExecuteAsync(connection,
            "INSERT INTO incident_components (incident_id, component, down) VALUES ($id, $c, $down) ON CONFLICT (incident_id, component) DO UPDATE SET down = $down",
            cancellationToken, ("$id", id), ("$c", component), ("$down", down ? 1 : 0));

    internal static Task ReopenAsync(SqliteConnection connection, long id, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "UPDATE incidents SET resolved_at = NULL WHERE id = $id", cancellationToken, ("$id", id));

    /// <summary>
    /// Resolves the incident and counts every component as back: a component left marked down by a resolution made by
    /// a person would keep the incident open forever once it reopened, and it would take in every later failure.
    /// </summary>
    /// <returns>The rows changed: 1, or 0 when it was resolved already.</returns>
    internal static async Task<int> ResolveAsync(SqliteConnection connection, long id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changed = await ExecuteAsync(connection, "UPDATE incidents SET resolved_at = $at WHERE id = $id AND resolved_at IS NULL",
            cancellationToken, ("$id", id), ("$at", at.ToUnixTimeMilliseconds()));
        await ExecuteAsync(connection, "UPDATE incident_components SET down = 0 WHERE incident_id = $id", cancellationToken, ("$id", id));
        return changed;
    }

    /// <summary>True when the incident was opened by a detection, is about at least one component and none of them is down.</summary>
    internal static async Task<bool> ResolvesOnRecoveryAsync(SqliteConnection connection, long id, CancellationToken cancellationToken) =>
        await ScalarAsync<long>(connection, "SELECT auto_resolve FROM incidents WHERE id = $id", cancellationToken, ("$id", id)) == 1
        && await ScalarAsync<long>(connection, "SELECT count(*) FROM incident_components WHERE incident_id = $id", cancellationToken, ("$id", id)) > 0
        && await ScalarAsync<long>(connection, "SELECT count(*) FROM incident_components WHERE incident_id = $id AND down = 1", cancellationToken, ("$id", id)) == 0;

    private static async Task<long?> NullableIdAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }
}
