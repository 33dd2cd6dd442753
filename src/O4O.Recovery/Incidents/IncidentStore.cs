using Dapper;
using Microsoft.Data.Sqlite;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Incidents;

/// <summary>Incidents and their timelines in <c>$O4O_HOME/state.db</c>, for people (the CLI) and the journal.</summary>
/// <param name="path">The state database file.</param>
public sealed partial class IncidentStore(string path)
{
    /// <summary>The state database file.</summary>
    public string Path { get; } = path;

    /// <summary>Opens an incident whose first alert is <paramref name="at"/>, with an "Opened" line on its timeline.</summary>
    public async Task<long> OpenAsync(string title, DateTimeOffset at, string actor, string? component, FailureType? failureType,
        CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await InsertAsync(connection, title, at, actor, component, failureType, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    internal static async Task<long> InsertAsync(SqliteConnection connection, string title, DateTimeOffset at, string actor, string? component,
        FailureType? failureType, CancellationToken cancellationToken)
    {
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO incidents (title, opened_by, first_alert_at, failure_type, auto_resolve) VALUES (@title, @actor, @at, @type, @auto) RETURNING id",
            new { title, actor, at = at.ToUnixTimeMilliseconds(), type = failureType?.ToString(), auto = component is null ? 0 : 1 }, cancellationToken: cancellationToken));
        if (component is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO incident_components (incident_id, component, down) VALUES (@id, @component, 1)",
                new { id, component }, cancellationToken: cancellationToken));
        }

        await AppendAsync(connection, id, new TimelineEntry(at, "Opened", component ?? "", title, actor), cancellationToken);
        return id;
    }

    /// <summary>Adds <paramref name="entry"/> to incident <paramref name="id"/>'s timeline.</summary>
    /// <exception cref="IncidentNotFoundException">There is no such incident.</exception>
    public async Task AppendAsync(long id, TimelineEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await RequireAsync(connection, id, cancellationToken);
        await AppendAsync(connection, id, entry, cancellationToken);
    }

    /// <summary>Adds <paramref name="entry"/> to the newest open incident's timeline, if one is open.</summary>
    /// <returns>The incident it went on; null when none is open.</returns>
    public async Task<long?> AppendToNewestOpenAsync(TimelineEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        if (await NewestOpenAsync(connection, cancellationToken) is not { } id)
        {
            return null;
        }

        await AppendAsync(connection, id, entry, cancellationToken);
        return id;
    }

    /// <summary>Sets the fields people fill in; a null argument leaves that field as it is.</summary>
    /// <exception cref="IncidentNotFoundException">There is no such incident.</exception>
    public async Task EditAsync(long id, string? impact, string? rootCause, string? actions, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await RequireAsync(connection, id, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE incidents SET impact = coalesce(@impact, impact), root_cause = coalesce(@cause, root_cause), actions = coalesce(@actions, actions) WHERE id = @id",
            new { id, impact, cause = rootCause, actions }, cancellationToken: cancellationToken));
    }

    /// <summary>Records that <paramref name="by"/> acknowledged the incident; the escalation clock keeps running.</summary>
    /// <exception cref="IncidentNotFoundException">There is no such incident.</exception>
    public async Task AcknowledgeAsync(long id, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await RequireAsync(connection, id, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE incidents SET acknowledged_at = @at, acknowledged_by = @by WHERE id = @id",
            new { id, at = at.ToUnixTimeMilliseconds(), by }, cancellationToken: cancellationToken));
        await AppendAsync(connection, id, new TimelineEntry(at, "Acknowledged", "", IncidentText.Written("Timeline.Acknowledged", by), by), cancellationToken);
    }

    /// <summary>Resolves an open incident at <paramref name="at"/>, keeping its duration; a resolved one stays as it is.</summary>
    /// <returns>False when it was already resolved.</returns>
    /// <exception cref="IncidentNotFoundException">There is no such incident.</exception>
    public async Task<bool> ResolveAsync(long id, DateTimeOffset at, string actor, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await RequireAsync(connection, id, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await ResolveAsync(connection, id, at, cancellationToken);
        if (changed == 1)
        {
            await AppendAsync(connection, id, new TimelineEntry(at, "Resolved", "", reason, actor), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return changed == 1;
    }

    internal Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken) =>
        StateDatabase.OpenAsync(Path, cancellationToken);

    internal static Task AppendAsync(SqliteConnection connection, long id, TimelineEntry entry, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO incident_timeline (incident_id, at, kind, component, text, actor) VALUES (@id, @at, @kind, @component, @text, @actor)",
            new { id, at = entry.At.ToUnixTimeMilliseconds(), kind = entry.Kind, component = entry.Component, text = entry.Text, actor = entry.Actor }, cancellationToken: cancellationToken));

    private static async Task RequireAsync(SqliteConnection connection, long id, CancellationToken cancellationToken)
    {
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM incidents WHERE id = @id",
            new { id }, cancellationToken: cancellationToken)) == 0)
        {
            throw new IncidentNotFoundException(id);
        }
    }
}
