using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Offsite;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>What backup and restore commands need, from the context's home, settings and clock; no conductor involved.</summary>
internal sealed class BackupEnvironment
{
    private readonly IncidentOptions _incidents;

    private BackupEnvironment(CliContext context)
    {
        Home = context.Home;
        Time = context.Time;
        Database = context.Bind<DatabaseOptions>(DatabaseOptions.Section);
        Backup = context.Bind<BackupOptions>(BackupOptions.Section);
        _incidents = context.Bind<IncidentOptions>(IncidentOptions.Section);
        Directory = Backup.DirectoryFor(Home);
        Offsite = context.Bind<OffsiteOptions>(OffsiteOptions.Section);
    }

    public O4OHome Home { get; }

    public TimeProvider Time { get; }

    public DatabaseOptions Database { get; }

    public BackupOptions Backup { get; }

    public OffsiteOptions Offsite { get; }

    /// <summary>The backup directory in use.</summary>
    public string Directory { get; }

    public static BackupEnvironment From(CliContext context) => new(context);

    /// <summary>The default directory is created on first use; a configured one must exist (it is usually a mount).</summary>
    public void EnsureDefaultDirectory()
    {
        if (string.IsNullOrWhiteSpace(Backup.Directory))
        {
            PrivateFiles.CreateDirectory(Directory);
        }
    }

    public BackupCatalogue Catalogue() => new(Home.StateDatabase, Directory);

    /// <summary>Where a backup command's detections go without a conductor: the event log and the incidents (which page once one runs).</summary>
    public IRecoveryJournal Journal() =>
        ArchiveScreening.CommandJournal(Home.StateDatabase, _incidents);
    /// <summary>Where each archive is and the off-site lag; null without <c>Offsite:Endpoint</c>.</summary>
    public OffsiteListing? OffsiteListing() =>
        Offsite.Enabled ? Recovery.Offsite.OffsiteListing.Of(Directory, new OffsiteCopies(Home.StateDatabase), Time.GetUtcNow()) : null;

    public ResolvedDatabaseServer Server() => ResolvedDatabaseServer.Resolve(Home, Database);

    /// <summary>The managed cluster's pgBackRest backups.</summary>
    /// <exception cref="ArchivingNotSetUpException">The conductor has not set WAL archiving up in this home.</exception>
    public PhysicalBackups PhysicalBackups() => Recovery.PointInTime.PhysicalBackups.Open(Home, Database, Time);

    public DatabaseRestore Restore() => new(Home, Server(), Catalogue(), Time);

    /// <summary>A logical backup, recorded in the catalogue and screened against the clean archives before it.</summary>
    public async Task<(BackupResult Result, ArchiveAnomaly Anomaly)> CreateLogicalAsync(bool includeSecrets, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        EnsureDefaultDirectory();
        var catalogue = Catalogue();
        var creator = new BackupCreator(Home, Directory, Server(), Time) { SpaceMargin = Backup.SpaceMargin };
        var result = await creator.CreateAsync(includeSecrets, catalogue.KnownHash, progress, cancellationToken);
        catalogue.Record(result);
        var anomaly = await ArchiveScreening.ScreenAsync(Directory, catalogue, Backup, Journal(), Time, Path.GetFileName(result.ArchivePath), cancellationToken);
        return (result, anomaly);
    }
}
