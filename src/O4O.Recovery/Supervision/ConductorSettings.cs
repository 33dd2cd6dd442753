using O4O.Recovery.Configuration;

namespace O4O.Recovery.Supervision;

/// <summary>Everything the conductor is configured by.</summary>
/// <param name="Database">Where the database is, or the managed cluster's port.</param>
/// <param name="Platform">The platform's port, assembly and start timeout.</param>
/// <param name="Supervision">Probing, back-off and crash-loop limits.</param>
/// <param name="AutoRecovery">What the conductor may do beyond restarts.</param>
/// <param name="Backup">The backup directory and schedule.</param>
/// <param name="Nginx">The reverse proxy, when enabled.</param>
public sealed record ConductorSettings(DatabaseOptions Database, PlatformOptions Platform, SupervisionOptions Supervision,
    AutoRecoveryOptions AutoRecovery, BackupOptions Backup, NginxOptions Nginx);
