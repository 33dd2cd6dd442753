using O4O.Cli.Resources;
using O4O.Recovery.Control;
using O4O.Recovery.Health;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// The result of <c>o4o status</c>, and the stable shape of <c>o4o status --json</c>:
/// <code>
/// { "healthy": bool,
///   "conductor": { "running": bool, "pid": int|null, "startedAt": "ISO 8601"|null, "autoRecovery": bool|null,
///                  "autoRecoveryChangedBy": string|null, "paused": { component: reason }|null },
///   "components": [ { "name": "database"|"platform"|"admin"|"site"|"nginx"|"backups"|"restores"|"isolation", "state": "healthy"|"degraded"|"down",
///                     "address": string, "pid": int|null, "responseTimeMs": number|null, "error": string|null,
///                     "supervision": "running"|"restarting"|"down"|"gaveUp"|...|null, "since": "ISO 8601"|null,
///                     "restarts": int|null, "lastError": string|null, "failureType": "serverDown"|"databaseDamage"|"networkFailure"|...|null,
///                     "detail": string|null } ],
///   "jobs": [ { "name": "scheduled backups"|"damage watch"|..., "restarts": int, "lastErrorAt": "ISO 8601"|null, "lastError": string|null } ],
///   "walArchiving": { "enabled": bool, "off": "disabled"|"external"|null, "summary": string, "lastArchivedWal": string|null,
///                     "lastArchivedAt": "ISO 8601"|null, "lagSeconds": number|null, "waiting": int|null, "failedCount": int|null,
///                     "lastFailedWal": string|null, "lastFailedAt": "ISO 8601"|null, "failing": bool, "error": string|null,
///                     "recoverableSince": "ISO 8601"|null },
///   "patroni": { "at": "ISO 8601", "error": string|null,
///                "members": [ { "name": string, "role": "leader"|"sync_standby"|"replica"|"", "state": "running"|"streaming"|"stopped"|"absent"|...,
///                               "timeline": int|null, "lagBytes": int|null, "answering": bool } ] }|null }
/// </code>
/// "healthy" (and exit code 0) covers the serving components; backups, WAL archiving ("wal-archive"), restores (what
/// restores left) and the Patroni members (Database:Mode=patroni only) are reported, not counted.
/// </summary>
internal sealed record StatusReport(bool Healthy, ConductorStatus Conductor, IReadOnlyList<ComponentStatus> Components)
{
    /// <summary>The conductor's background jobs (empty without a conductor).</summary>
    public IReadOnlyList<JobSnapshot> Jobs { get; init; } = [];

    /// <summary>WAL archiving: the archiver, the lag, failures and the recovery window (null only in reports made without it).</summary>
    public WalArchivingStatus? WalArchiving { get; init; }

    /// <summary>In Patroni mode, each member's role, state, timeline and lag; null otherwise.</summary>
    public Recovery.Patroni.PatroniObservation? Patroni { get; init; }

    public static StatusReport From(ConductorRecord? conductor, ControlStatus? supervised, IReadOnlyList<ComponentHealth> health,
        RecoveryEvent? damage, IReadOnlyList<ComponentStatus> reported, ComponentStatus? restores = null)
    {
        var serving = health.Select(component => Merge(component, conductor, supervised, damage)).ToList();
        return new StatusReport(
            serving.All(component => component.State == HealthState.Healthy),
            new ConductorStatus(conductor is not null, conductor?.ConductorPid, conductor?.StartedAt, supervised?.AutoRecovery.Enabled,
                supervised?.AutoRecovery.ChangedBy, supervised?.Paused),
            [.. serving, .. reported, .. restores is null ? Array.Empty<ComponentStatus>() : [restores]])
        {
            Jobs = supervised?.Jobs ?? [],
        };
    }

    private static ComponentStatus Merge(ComponentHealth component, ConductorRecord? conductor, ControlStatus? supervised, RecoveryEvent? damage)
    {
        // admin and site are served by the (first) platform process: its supervision is theirs.
        var process = component.Name is Recovery.Supervision.Conductor.DatabaseComponent or NginxChild.Component
            || PlatformInstances.IsPlatform(component.Name)
            ? component.Name
            : Recovery.Supervision.Conductor.PlatformComponent;
        var snapshot = supervised?.Components.FirstOrDefault(c => c.Name == process);
        var pid = snapshot?.Pid ?? process switch
        {
            Recovery.Supervision.Conductor.DatabaseComponent => conductor?.Database.Pid,
            Recovery.Supervision.Conductor.PlatformComponent => conductor?.Platform.Pid,
            _ => null,
        };
        // A server that answered but does not serve (refuses connections, in recovery, read-only) is named by its error, not
        // taken for a dead server or the network.
        FailureType? failure = component.State == HealthState.Healthy || component.ServerAnswered ? null
            : snapshot?.FailureType ?? (pid is { } alive && Recovery.Processes.UnixProcess.IsAlive(alive) ? FailureType.NetworkFailure : FailureType.ServerDown);
        // A damaged database answers SELECT 1; what shows it is the damage on record, and the platform's pages failing
        // with a server error because of it (an answer, so neither a dead server nor the network).
        var damaged = damage is not null && (process == Recovery.Supervision.Conductor.DatabaseComponent
            || (failure is not null && component.Error?.StartsWith("HTTP 5", StringComparison.Ordinal) == true));
        if (damaged)
        {
            failure = damage!.FailureType;
        }

        return new ComponentStatus(component.Name,
            damaged && component.State == HealthState.Healthy ? HealthState.Degraded : component.State, component.Address, pid,
            component.ResponseTime is { } elapsed ? Math.Round(elapsed.TotalMilliseconds, 1) : null,
            component.Error ?? (damaged ? Resources.Text.Format(Strings.StatusDamageSeen, damage!.Seen) : null))
        {
            Supervision = snapshot?.State,
            Since = snapshot?.Since,
            Restarts = snapshot?.Restarts,
            LastError = snapshot?.LastError,
            FailureType = failure,
        };
    }

    public string ToJson() => CliJson.Serialize(this);
}

internal sealed record ConductorStatus(bool Running, int? Pid, DateTimeOffset? StartedAt, bool? AutoRecovery = null,
    string? AutoRecoveryChangedBy = null, IReadOnlyDictionary<string, string>? Paused = null);

internal sealed record ComponentStatus(string Name, HealthState State, string Address, int? Pid, double? ResponseTimeMs, string? Error)
{
    public ComponentState? Supervision { get; init; }

    public DateTimeOffset? Since { get; init; }

    public int? Restarts { get; init; }

    public string? LastError { get; init; }

    public FailureType? FailureType { get; init; }

    public string? Detail { get; init; }
}
