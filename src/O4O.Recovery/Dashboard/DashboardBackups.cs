using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Monitoring;
using O4O.Recovery.Offsite;
using O4O.Recovery.PointInTime;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Dashboard;

/// <summary>A backup started from the dashboard, as the page shows it.</summary>
/// <param name="StartedBy">Who pressed "back up now".</param>
/// <param name="StartedAt">When.</param>
/// <param name="DumpedBytes">Uncompressed bytes dumped so far.</param>
/// <param name="Outcome">The archive made or the failure; null while running.</param>
/// <param name="Succeeded">True when it made an archive; null while running.</param>
internal sealed record BackupJob(string StartedBy, DateTimeOffset StartedAt, long DumpedBytes, string? Outcome, bool? Succeeded);

/// <summary>The backups as the dashboard shows them.</summary>
/// <param name="Archives">Every archive, oldest first.</param>
/// <param name="Schedule">The cron schedule.</param>
/// <param name="Overdue">True when the schedule's next backup after the newest archive is past (or there is none).</param>
/// <param name="Job">The last backup started from the dashboard, or null.</param>
/// <param name="Error">Why the list could not be read, or null.</param>
internal sealed record BackupOverview(IReadOnlyList<BackupListItem> Archives, string Schedule, bool Overdue, BackupJob? Job, string? Error)
{
    /// <summary>pgBackRest's newest set and the recovery window; null where WAL is not archived.</summary>
    public PhysicalOverview? Physical { get; init; }

    /// <summary>The room for the next archive where backups are written; null when it could not be measured.</summary>
    public BackupSpace? Space { get; init; }

    /// <summary>How far the off-site copies trail; null when no off-site bucket is configured.</summary>
    public OffsiteLagInfo? OffsiteLag { get; init; }

    /// <summary>Whether the off-site copies are immutable (the bucket's Object Lock); null when no off-site bucket is configured.</summary>
    public OffsiteLockOverview? OffsiteLock { get; init; }
}

/// <summary>The physical backups as the dashboard's backups card shows them.</summary>
/// <param name="Newest">The newest set, or null when there is none (and so no recovery window).</param>
/// <param name="RecoverableSince">The earliest moment a point-in-time restore reaches, or null.</param>
/// <param name="NewestWal">The newest archived WAL segment, or null.</param>
/// <param name="Error">Why pgBackRest could not read the repository, or null.</param>
internal sealed record PhysicalOverview(PhysicalBackupSet? Newest, DateTimeOffset? RecoverableSince, string? NewestWal, string? Error);

/// <summary>The dashboard's backup panel: the listing, the age against the schedule, and "back up now" with progress.</summary>
internal sealed class DashboardBackups(O4OHome home, DatabaseOptions database, BackupOptions backup, OffsiteOptions offsite, IRecoveryJournal journal,
    TimeProvider time)
{
    /// <summary>How long pgBackRest's answer is shown before it is asked again: the page polls every 3 s, and each ask starts a process.</summary>
    private static readonly TimeSpan _physicalFreshFor = TimeSpan.FromSeconds(10);

    private readonly DashboardOffsiteLock _offsiteLock = new(home, offsite, time);
    private BackupJob? _job;
    private long _dumped;
    private (PhysicalOverview? Overview, DateTimeOffset At)? _physical;

    /// <summary>The archives, the schedule and the running or last job.</summary>
    public async Task<BackupOverview> OverviewAsync(CancellationToken cancellationToken)
    {
        var directory = EnsureDefaultDirectory();
        try
        {
            var archives = await BackupListing.ListAsync(directory, new BackupCatalogue(home.StateDatabase, directory), time, cancellationToken);
            return new BackupOverview(archives, backup.Schedule, Overdue(archives), Job(), null)
            {
                Physical = await PhysicalAsync(cancellationToken),
                Space = await SpaceAsync(directory, cancellationToken),
                OffsiteLag = offsite.Enabled ? Offsite.OffsiteLag.Of(directory, new OffsiteCopies(home.StateDatabase), time.GetUtcNow()) : null,
                OffsiteLock = await _offsiteLock.ReadAsync(cancellationToken),
            };
        }
        catch (Exception exception) when (exception is BackupFailedException or IOException)
        {
            return new BackupOverview([], backup.Schedule, true, Job(), exception.Message) { Physical = await PhysicalAsync(cancellationToken) };
        }
    }

    // As o4o status measures it; unmeasured (the database down before a first archive) is shown as nothing rather than failing the panel.
    private async Task<BackupSpace?> SpaceAsync(string directory, CancellationToken cancellationToken)
    {
        try
        {
            return await BackupSpace.MeasureAsync(directory, backup.SpaceMargin, BackupSpace.DatabaseSize(ResolvedDatabaseServer.Resolve(home, database)),
                cancellationToken);
        }
        catch (Exception exception) when (exception is DatabaseUnavailableException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task<PhysicalOverview?> PhysicalAsync(CancellationToken cancellationToken)
    {
        if (_physical is { } known && time.GetUtcNow() - known.At < _physicalFreshFor)
        {
            return known.Overview;
        }

        PhysicalOverview? overview = null;
        if (PhysicalBackups.TryOpen(home, database, time) is { } physical)
        {
            try
            {
                var info = await physical.InfoAsync(cancellationToken);
                overview = new PhysicalOverview(info.Backups.Count > 0 ? info.Backups[^1] : null, info.RecoverableSince, info.NewestWal, null);
            }
            catch (PgBackRestException exception)
            {
                overview = new PhysicalOverview(null, null, null, exception.Message);
            }
        }

        _physical = (overview, time.GetUtcNow());
        return overview;
    }

    /// <summary>Starts a backup in the background unless one is running; false when one is.</summary>
    public bool Start(string actor, CancellationToken stop)
    {
        var job = new BackupJob(actor, time.GetUtcNow(), 0, null, null);
        var current = _job;
        if (current is { Succeeded: null } || Interlocked.CompareExchange(ref _job, job, current) != current)
        {
            return false;
        }

        Interlocked.Exchange(ref _dumped, 0);
        _ = Task.Run(() => RunAsync(job, stop), CancellationToken.None);
        return true;
    }

    private async Task RunAsync(BackupJob job, CancellationToken stop)
    {
        var progress = new Progress<long>(bytes => Interlocked.Exchange(ref _dumped, bytes));
        try
        {
            EnsureDefaultDirectory();
            var made = await ConductorBackup.CreateAsync(home, backup, database, journal, time, progress, stop);
            _job = job with { DumpedBytes = Interlocked.Read(ref _dumped), Succeeded = made.Verification?.Passed != false, Outcome = made.ToString() };
        }
        catch (Exception exception) when (ConductorBackup.IsFailure(exception) || exception is OperationCanceledException)
        {
            _job = job with { Succeeded = false, Outcome = $"failed: {exception.Message}" };
        }

        await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ScheduledBackups.Component, RecoveryEventKind.Action,
            "backup requested on the dashboard", "ran the backup engine and a test restore of the new archive", _job.Outcome!, Actor: job.StartedBy),
            CancellationToken.None);
    }

    /// <summary>As <c>o4o backup create</c>: the default directory is created on first use; a configured one must exist (a mount).</summary>
    private string EnsureDefaultDirectory()
    {
        var directory = backup.DirectoryFor(home);
        if (string.IsNullOrWhiteSpace(backup.Directory))
        {
            PrivateFiles.CreateDirectory(directory);
        }

        return directory;
    }

    private BackupJob? Job() => _job is { Succeeded: null } running ? running with { DumpedBytes = Interlocked.Read(ref _dumped) } : _job;

    private bool Overdue(IReadOnlyList<BackupListItem> archives)
    {
        if (archives.Count == 0)
        {
            return true;
        }

        try
        {
            var next = backup.ParseSchedule().GetNextOccurrence(archives[^1].CreatedAt, time.LocalTimeZone);
            // An hour's grace: a backup takes time, and the schedule's own run may be under way.
            return next is { } due && due + TimeSpan.FromHours(1) < time.GetUtcNow();
        }
        catch (FormatException)
        {
            return true;
        }
    }
}
