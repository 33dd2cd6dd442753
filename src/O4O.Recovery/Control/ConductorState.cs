using O4O.Recovery.AutoRecovery;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Control;

/// <summary>What the control API reads and acts on: the supervisors, the recovery gate and the event log.</summary>
/// <param name="ConductorPid">The conductor's process id.</param>
/// <param name="StartedAt">When the conductor started.</param>
/// <param name="Supervisors">One per component.</param>
/// <param name="Gate">The AutoRecovery switch and the pauses.</param>
/// <param name="Events">The event log.</param>
/// <param name="Incidents">The open incidents and what people do about them.</param>
public sealed record ConductorState(int ConductorPid, DateTimeOffset StartedAt, IReadOnlyList<Supervisor> Supervisors, RecoveryGate Gate, EventLog Events,
    IncidentBoard Incidents)
{
    /// <summary>The configuration the conductor runs with, for commands started without its environment.</summary>
    public ConductorConfiguration? Configuration { get; init; }

    /// <summary>Switches the platform to a release by name, for an actor (<see cref="Conductor"/>'s health-gated switch).</summary>
    public Func<string, string, Task<PlatformSwitchResult>>? SwitchPlatform { get; init; }

    /// <summary>The watch window of the release last switched to; null before any switch was watched.</summary>
    public Func<WatchWindowStatus?> ReleaseWatch { get; init; } = () => null;

    /// <summary>Starts the off-site upload round now (<see cref="Offsite.OffsiteUploads.UploadSoon"/>); null without <c>Offsite:Endpoint</c>.</summary>
    public Action? UploadOffsiteSoon { get; init; }

    /// <summary>In Patroni mode, the cluster as the conductor's watch last read it.</summary>
    public Func<Patroni.PatroniObservation?> Patroni { get; init; } = () => null;

    /// <summary>The background jobs, once they run.</summary>
    public IReadOnlyList<BackgroundJob> Jobs { get; set; } = [];

    /// <summary>The status as the control API returns it.</summary>
    public ControlStatus Status() => new(ConductorPid, StartedAt, AutoRecovery(), Gate.Paused,
        Supervisors.Select(supervisor => supervisor.Snapshot).ToList(), Configuration, [.. Jobs.Select(job => job.Snapshot)], Patroni());

    /// <summary>The switch as the control API returns it.</summary>
    public AutoRecoveryStatus AutoRecovery() => new(Gate.Enabled, Gate.AutoRecovery.ChangedBy, Gate.AutoRecovery.ChangedAt);

    /// <summary>The supervisor of <paramref name="component"/>, or null.</summary>
    public Supervisor? Find(string component) =>
        Supervisors.FirstOrDefault(supervisor => string.Equals(supervisor.Name, component, StringComparison.OrdinalIgnoreCase));
}
