using Dapper;
using Microsoft.Data.Sqlite;

namespace O4O.Recovery.Incidents;

// What the journal needs to keep one incident per outage: find the incident a component belongs to,
// mark the component down or up, and reopen a recently resolved incident when the component fails again.
public sealed partial class IncidentStore
{
    internal static async Task<long?> OpenWithComponentAsync(SqliteConnection connection, string component, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT i.id FROM incidents i JOIN incident_components c ON c.incident_id = i.id WHERE i.resolved_at IS NULL AND c.component = @c ORDER BY i.id DESC LIMIT 1",
            new { c = component }, cancellationToken: cancellationToken));

    internal static async Task<long?> NewestOpenAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM incidents WHERE resolved_at IS NULL ORDER BY id DESC LIMIT 1", cancellationToken: cancellationToken));

    /// <summary>The newest open incident with a component still down and a failure on its timeline since <paramref name="since"/>.</summary>
    internal static async Task<long?> OutageInProgressAsync(SqliteConnection connection, DateTimeOffset since, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            SELECT i.id FROM incidents i
            WHERE i.resolved_at IS NULL
              AND EXISTS (SELECT 1 FROM incident_components c WHERE c.incident_id = i.id AND c.down = 1)
              AND EXISTS (SELECT 1 FROM incident_timeline t WHERE t.incident_id = i.id AND t.at >= @since AND t.kind IN ('Opened', 'Detected', 'GaveUp', 'Reopened'))
            ORDER BY i.id DESC LIMIT 1
            """, new { since = since.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));

    internal static async Task<long?> ResolvedWithComponentSinceAsync(SqliteConnection connection, string component, DateTimeOffset since,
        CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT i.id FROM incidents i JOIN incident_components c ON c.incident_id = i.id WHERE i.resolved_at >= @since AND c.component = @c ORDER BY i.resolved_at DESC LIMIT 1",
            new { c = component, since = since.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));

    internal static Task MarkComponentAsync(SqliteConnection connection, long id, string component, bool down, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO incident_components (incident_id, component, down) VALUES (@id, @c, @down) ON CONFLICT (incident_id, component) DO UPDATE SET down = @down",
            new { id, c = component, down = down ? 1 : 0 }, cancellationToken: cancellationToken));

    internal static Task ReopenAsync(SqliteConnection connection, long id, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE incidents SET resolved_at = NULL WHERE id = @id",
            new { id }, cancellationToken: cancellationToken));

    /// <summary>
    /// Resolves the incident and counts every component as back: a component left marked down by a resolution made by
    /// a person would keep the incident open forever once it reopened, and it would take in every later failure.
    /// </summary>
    /// <returns>The rows changed: 1, or 0 when it was resolved already.</returns>
    internal static async Task<int> ResolveAsync(SqliteConnection connection, long id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE incidents SET resolved_at = @at WHERE id = @id AND resolved_at IS NULL",
            new { id, at = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE incident_components SET down = 0 WHERE incident_id = @id",
            new { id }, cancellationToken: cancellationToken));
        return changed;
    }

    /// <summary>True when the incident was opened by a detection, is about at least one component and none of them is down.</summary>
    internal static async Task<bool> ResolvesOnRecoveryAsync(SqliteConnection connection, long id, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT auto_resolve FROM incidents WHERE id = @id",
            new { id }, cancellationToken: cancellationToken)) == 1
        && await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM incident_components WHERE incident_id = @id",
            new { id }, cancellationToken: cancellationToken)) > 0
        && await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM incident_components WHERE incident_id = @id AND down = 1",
            new { id }, cancellationToken: cancellationToken)) == 0;
}
