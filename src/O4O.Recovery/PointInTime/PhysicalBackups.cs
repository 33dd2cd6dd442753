using O4O.Recovery.Configuration;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// The managed cluster's physical backups as <c>o4o backup</c> and the dashboard reach them, with no conductor: take one,
/// list the repository, verify it. Only where the conductor set archiving up (its <c>pgbackrest.conf</c> exists).
/// </summary>
public sealed class PhysicalBackups
{
    private readonly PgBackRest _pgBackRest;
    private readonly TimeProvider _time;

    private PhysicalBackups(PgBackRest pgBackRest, TimeProvider time) => (_pgBackRest, _time) = (pgBackRest, time);

    /// <summary>The backup types, biggest first: <c>full</c>, <c>diff</c>, <c>incr</c>.</summary>
    public static IReadOnlyList<string> Types => PhysicalBackup.Types;

    /// <summary>The physical backups of <paramref name="home"/>'s managed cluster; null when archiving is not set up there.</summary>
    public static PhysicalBackups? TryOpen(O4OHome home, DatabaseOptions database, TimeProvider time)
    {
        var pgBackRest = PgBackRest.For(home);
        return database.IsManaged && pgBackRest.IsConfigured ? new PhysicalBackups(pgBackRest, time) : null;
    }

    /// <summary>As <see cref="TryOpen"/>, refusing where archiving is not set up.</summary>
    /// <exception cref="ArchivingNotSetUpException">An external database, or a managed cluster the conductor never archived.</exception>
    public static PhysicalBackups Open(O4OHome home, DatabaseOptions database, TimeProvider time) =>
        TryOpen(home, database, time) ?? throw new ArchivingNotSetUpException(PgBackRestLayout.For(home).ConfigurationFile, database.IsManaged);

    /// <summary>Takes a backup of <paramref name="type"/> (a full when there is none to build on), reporting pgBackRest's steps.</summary>
    /// <exception cref="PgBackRestException">It failed.</exception>
    public Task<PhysicalBackupTaken> TakeAsync(string type, Action<string>? progress, CancellationToken cancellationToken) =>
        new PhysicalBackup(_pgBackRest, _time).TakeAsync(type, progress, cancellationToken);

    /// <summary>The sets in the repository and the archived WAL, which make the recovery window.</summary>
    /// <exception cref="PgBackRestException">pgBackRest could not read the repository.</exception>
    public Task<RepositoryInfo> InfoAsync(CancellationToken cancellationToken) => _pgBackRest.InfoAsync(cancellationToken);

    /// <summary>Checks every backup file and archived WAL segment in the repository against its checksum (<c>pgbackrest verify</c>).</summary>
    public Task<PhysicalBackupVerification> VerifyAsync(CancellationToken cancellationToken) =>
        PhysicalBackupVerification.RunAsync(_pgBackRest, cancellationToken);
}

/// <summary>Physical backups were asked for where the conductor has not set up WAL archiving.</summary>
/// <param name="configurationFile">The pgBackRest configuration that is missing.</param>
/// <param name="managed">False for an external database, which O4O does not archive.</param>
public sealed class ArchivingNotSetUpException(string configurationFile, bool managed)
    : Exception(managed
        ? $"WAL archiving is not set up ({configurationFile} does not exist): start the managed cluster with `o4o up` and Archiving:Enabled."
        : "WAL archiving and physical backups are for the managed cluster; an external database is archived by its own means.")
{
    /// <summary>False for an external database.</summary>
    public bool Managed { get; } = managed;

    /// <summary>The pgBackRest configuration that is missing.</summary>
    public string ConfigurationFile { get; } = configurationFile;
}
