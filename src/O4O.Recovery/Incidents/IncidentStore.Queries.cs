using Dapper;
using Microsoft.Data.Sqlite;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Incidents;

public sealed partial class IncidentStore
{
    private const string IncidentColumns =
        "id, title, opened_by AS OpenedBy, first_alert_at AS FirstAlertAt, resolved_at AS ResolvedAt, acknowledged_at AS AcknowledgedAt, "
        + "acknowledged_by AS AcknowledgedBy, failure_type AS FailureType, impact, root_cause AS RootCause, actions";

    /// <summary>Incident <paramref name="id"/>.</summary>
    /// <exception cref="IncidentNotFoundException">There is no such incident.</exception>
    public async Task<Incident> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var found = await ReadIncidentsAsync(connection, $"SELECT {IncidentColumns} FROM incidents WHERE id = @id", cancellationToken, new { id });
        return found.Count == 1 ? found[0] : throw new IncidentNotFoundException(id);
    }

    /// <summary>All incidents, newest first.</summary>
    public async Task<IReadOnlyList<Incident>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        return await ReadIncidentsAsync(connection, $"SELECT {IncidentColumns} FROM incidents ORDER BY id DESC", cancellationToken);
    }

    internal static Task<IReadOnlyList<Incident>> ReadAsync(SqliteConnection connection, string where, CancellationToken cancellationToken) =>
        ReadIncidentsAsync(connection, $"SELECT {IncidentColumns} FROM incidents WHERE {where} ORDER BY id", cancellationToken);

    /// <summary>Incident <paramref name="id"/>'s timeline in the order things happened.</summary>
    /// <exception cref="IncidentNotFoundException">There is no such incident.</exception>
    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await RequireAsync(connection, id, cancellationToken);
        var rows = await connection.QueryAsync<TimelineRow>(new CommandDefinition(
            "SELECT at, kind, component, text, actor FROM incident_timeline WHERE incident_id = @id ORDER BY at, id", new { id }, cancellationToken: cancellationToken));
        return rows.Select(row => new TimelineEntry(DateTimeOffset.FromUnixTimeMilliseconds(row.At), row.Kind, row.Component, row.Text, row.Actor)).ToList();
    }

    private static async Task<IReadOnlyList<Incident>> ReadIncidentsAsync(SqliteConnection connection, string sql,
        CancellationToken cancellationToken, object? parameters = null)
    {
        var incidents = new List<Incident>();
        foreach (var row in await connection.QueryAsync<IncidentRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)))
        {
            var components = await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT component FROM incident_components WHERE incident_id = @id ORDER BY component", new { id = row.Id }, cancellationToken: cancellationToken));
            incidents.Add(row.ToIncident(components.ToList()));
        }

        return incidents;
    }

    private sealed record IncidentRow(long Id, string Title, string OpenedBy, long FirstAlertAt, long? ResolvedAt, long? AcknowledgedAt,
        string? AcknowledgedBy, string? FailureType, string Impact, string RootCause, string Actions)
    {
        public Incident ToIncident(IReadOnlyList<string> components) => new(Id, Title, OpenedBy, DateTimeOffset.FromUnixTimeMilliseconds(FirstAlertAt),
            Time(ResolvedAt), Time(AcknowledgedAt), AcknowledgedBy, FailureType is null ? null : Enum.Parse<FailureType>(FailureType),
            Impact, RootCause, Actions, components);

        private static DateTimeOffset? Time(long? milliseconds) => milliseconds is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null;
    }

    private sealed record TimelineRow(long At, string Kind, string Component, string Text, string Actor);
}
