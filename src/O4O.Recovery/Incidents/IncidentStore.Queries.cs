using Microsoft.Data.Sqlite;
using O4O.Recovery.Supervision;
using static O4O.Recovery.Incidents.Sql;

namespace O4O.Recovery.Incidents;

public sealed partial class IncidentStore
{
    private const string IncidentColumns =
        "id, title, opened_by, first_alert_at, resolved_at, acknowledged_at, acknowledged_by, failure_type, impact, root_cause, actions";

    /// <summary>Incident <paramref name="id"/>.</summary>
    /// <exception cref="IncidentNotFoundException">There is no such incident.</exception>
    public async Task<Incident> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var found = await ReadIncidentsAsync(connection, $"SELECT {IncidentColumns} FROM incidents WHERE id = $id", cancellationToken, ("$id", id));
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
        await using var command = Command(connection,
            "SELECT at, kind, component, text, actor FROM incident_timeline WHERE incident_id = $id ORDER BY at, id", ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<TimelineEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new TimelineEntry(Time(reader, 0)!.Value, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }

        return entries;
    }

    private static async Task<IReadOnlyList<Incident>> ReadIncidentsAsync(SqliteConnection connection, string sql,
        CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        var rows = new List<Incident>();
        await using (var command = Command(connection, sql, parameters))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new Incident(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Time(reader, 3)!.Value, Time(reader, 4),
                    Time(reader, 5), Text(reader, 6), Text(reader, 7) is { } type ? Enum.Parse<FailureType>(type) : null,
                    reader.GetString(8), reader.GetString(9), reader.GetString(10), []));
            }
        }

        for (var i = 0; i < rows.Count; i++)
        {
            rows[i] = rows[i] with { Components = await ComponentsAsync(connection, rows[i].Id, cancellationToken) };
        }

        return rows;
    }

    private static async Task<IReadOnlyList<string>> ComponentsAsync(SqliteConnection connection, long id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT component FROM incident_components WHERE incident_id = $id ORDER BY component", ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var components = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            components.Add(reader.GetString(0));
        }

        return components;
    }
}
