using System.Text.Json;
using System.Text.Json.Serialization;
using O4O.Recovery.Health;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// The result of <c>o4o status</c>, and the stable shape of <c>o4o status --json</c>:
/// <code>
/// { "healthy": bool,
///   "conductor": { "running": bool, "pid": int|null, "startedAt": "ISO 8601"|null },
///   "components": [ { "name": "database"|"platform", "state": "healthy"|"degraded"|"down",
///                     "address": string, "pid": int|null, "responseTimeMs": number|null, "error": string|null } ] }
/// </code>
/// </summary>
internal sealed record StatusReport(bool Healthy, ConductorStatus Conductor, IReadOnlyList<ComponentStatus> Components)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static StatusReport From(ConductorRecord? conductor, IReadOnlyList<ComponentHealth> health)
    {
        var components = health.Select(component => new ComponentStatus(
            component.Name,
            component.State,
            component.Address,
            component.Name == Recovery.Supervision.Conductor.DatabaseComponent ? conductor?.Database.Pid : conductor?.Platform.Pid,
            component.ResponseTime is { } elapsed ? Math.Round(elapsed.TotalMilliseconds, 1) : null,
            component.Error)).ToList();
        return new StatusReport(
            components.All(component => component.State == HealthState.Healthy),
            new ConductorStatus(conductor is not null, conductor?.ConductorPid, conductor?.StartedAt),
            components);
    }

    public string ToJson() => JsonSerializer.Serialize(this, _json);
}

internal sealed record ConductorStatus(bool Running, int? Pid, DateTimeOffset? StartedAt);

internal sealed record ComponentStatus(string Name, HealthState State, string Address, int? Pid, double? ResponseTimeMs, string? Error);
