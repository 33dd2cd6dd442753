using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Control;

/// <summary>The conductor's status over the control API.</summary>
/// <param name="ConductorPid">The conductor's process id.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="AutoRecovery">The switch.</param>
/// <param name="Paused">Components whose restarts are paused, with why ("*" is every component).</param>
/// <param name="Components">Each supervised component.</param>
/// <param name="Configuration">What the conductor runs with; null from a conductor that does not say.</param>
/// <param name="Jobs">The background jobs and their errors; null from a conductor that does not say.</param>
/// <param name="Patroni">In Patroni mode, the cluster as the conductor's watch last read it; null otherwise or before the first reading.</param>
public sealed record ControlStatus(int ConductorPid, DateTimeOffset StartedAt, AutoRecoveryStatus AutoRecovery,
    IReadOnlyDictionary<string, string> Paused, IReadOnlyList<ComponentSnapshot> Components, ConductorConfiguration? Configuration = null,
    IReadOnlyList<JobSnapshot>? Jobs = null, Patroni.PatroniObservation? Patroni = null);

/// <summary>
/// The configuration a running conductor took from its own environment and files: a command started from another
/// shell (without the conductor's <c>O4O__*</c> variables) reads it here instead of guessing from its own.
/// </summary>
/// <param name="PlatformAssembly">The platform assembly it launches: what <c>o4o audit</c> checks.</param>
/// <param name="PlatformPort">The platform's port on 127.0.0.1.</param>
/// <param name="Nginx">nginx in front of it, enabled or not.</param>
/// <param name="Dashboard">Where the dashboard is reached; null when it is off.</param>
public sealed record ConductorConfiguration(string PlatformAssembly, int PlatformPort, NginxOptions Nginx, Uri? Dashboard)
{
    /// <summary>How many platform instances it runs (<c>Platform:Instances</c>), on <see cref="PlatformPort"/> and the ports after it.</summary>
    public int PlatformInstances { get; init; } = 1;
}

/// <summary>A request to begin or end a maintenance window.</summary>
/// <param name="On">Begin (true) or end (false).</param>
/// <param name="Actor">Who asks.</param>
/// <param name="Component">The component worked on; null for all of them.</param>
internal sealed record MaintenanceRequest(bool On, string Actor, string? Component = null);

/// <summary>A request to switch the platform to a published release (<c>o4o deploy</c>, <c>o4o rollback</c>).</summary>
/// <param name="Release">The release's name under <c>$O4O_HOME/releases/</c>.</param>
/// <param name="Actor">Who asks.</param>
internal sealed record SwitchRequest(string Release, string Actor);

/// <summary>How a switch ended.</summary>
/// <param name="Switched">True: the release serves, the one before it was drained and stopped.</param>
/// <param name="Detail">What happened; for a refusal, the gate's failure (the serving release never stopped).</param>
public sealed record PlatformSwitchResult(bool Switched, string Detail);
