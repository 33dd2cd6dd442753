using O4O.Recovery.Configuration;
using O4O.Recovery.Dashboard;

namespace O4O.Recovery.Supervision;

/// <summary>Everything the conductor is configured by, bound and validated when <c>o4o up</c> starts.</summary>
/// <param name="Database">Where the database is, or the managed cluster's port.</param>
/// <param name="Platform">The platform's port, assembly and start timeout.</param>
/// <param name="Supervision">Probing, back-off and crash-loop limits.</param>
/// <param name="AutoRecovery">What the conductor may do beyond restarts.</param>
/// <param name="Backup">The backup directory and schedule.</param>
/// <param name="Archiving">WAL archiving and physical backups by pgBackRest (managed cluster).</param>
/// <param name="Nginx">The reverse proxy, when enabled.</param>
/// <param name="Dashboard">The monitoring dashboard.</param>
/// <param name="Incidents">How events make incidents, escalation pages, notifications and the heartbeat.</param>
/// <param name="Events">How long the event log keeps events.</param>
/// <param name="PlatformSigningKey">The platform's token signing key when configured (<c>Auth:SigningKey</c>), for admin sign-in to the dashboard.</param>
public sealed record ConductorSettings(DatabaseOptions Database, PlatformOptions Platform, SupervisionOptions Supervision,
    AutoRecoveryOptions AutoRecovery, BackupOptions Backup, ArchivingOptions Archiving, NginxOptions Nginx, DashboardOptions Dashboard, IncidentSettings Incidents,
    EventOptions Events, string? PlatformSigningKey)
{
    /// <summary>The off-site bucket every backup also goes to, when its endpoint is set.</summary>
    public OffsiteOptions Offsite { get; init; } = new();

    /// <summary>The watch after a switch and its automatic rollback.</summary>
    public ReleaseWatchOptions Releases { get; init; } = new();
}

/// <summary>The incident engine's sections.</summary>
/// <param name="Incidents">The <c>Incidents</c> section.</param>
/// <param name="Escalation">The <c>Escalation</c> section, over its default levels.</param>
/// <param name="Notifications">The <c>Notifications</c> section.</param>
/// <param name="Heartbeat">The <c>Heartbeat</c> section.</param>
public sealed record IncidentSettings(IncidentOptions Incidents, EscalationOptions Escalation, NotificationOptions Notifications, HeartbeatOptions Heartbeat);
