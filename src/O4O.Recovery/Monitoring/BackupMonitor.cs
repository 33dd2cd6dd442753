using Cronos;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Offsite;
using O4O.Recovery.PointInTime;
using O4O.Recovery.State;

namespace O4O.Recovery.Monitoring;

/// <summary>One thing about the backups that is watched, with its threshold: what <c>o4o status</c> shows and the conductor pages on.</summary>
/// <param name="Component">Its component in events and incidents (<c>backup-age</c>, <c>backup-space</c>, …).</param>
/// <param name="Failing">True when its threshold is crossed.</param>
/// <param name="Evidence">What was seen, in one line, for the record.</param>
public sealed record BackupCheck(string Component, bool Failing, string Evidence);

/// <summary>The backups as monitored, read from the backup directory, the catalogue and pgBackRest's repository.</summary>
/// <param name="NewestLogical">The newest archive in the catalogue, or null before the first.</param>
/// <param name="LogicalInterval">The interval of <c>Backup:Schedule</c> after the newest archive.</param>
/// <param name="NewestPhysical">When the newest physical set stopped; null without one or without archiving.</param>
/// <param name="PhysicalInterval">The interval of the most frequent physical schedule; null without archiving.</param>
/// <param name="PhysicalError">Why the repository could not be read, or null.</param>
/// <param name="Space">The room for the next archive; null when it could not be measured.</param>
/// <param name="SpaceError">Why it could not be measured, or null.</param>
/// <param name="AgeFactor">How many intervals old a backup may be (<c>Backup:AgeFactor</c>).</param>
/// <param name="Now">When this was read.</param>
public sealed record BackupMonitorReport(CatalogueEntry? NewestLogical, TimeSpan LogicalInterval, DateTimeOffset? NewestPhysical,
    TimeSpan? PhysicalInterval, string? PhysicalError, BackupSpace? Space, string? SpaceError, double AgeFactor, DateTimeOffset Now)
{
    /// <summary>The component of the newest logical archive's age.</summary>
    public const string AgeComponent = "backup-age";

    /// <summary>The component of the newest physical set's age.</summary>
    public const string PhysicalAgeComponent = "physical-backup-age";

    /// <summary>The component of the newest archive's verification.</summary>
    public const string VerifyComponent = "backup-verify";

    /// <summary>The component of the room where backups are written.</summary>
    public const string SpaceComponent = "backup-space";

    /// <summary>The newest archive is older than <see cref="AgeFactor"/> intervals of its schedule.</summary>
    public bool LogicalStale => NewestLogical is { } newest && Now - newest.Manifest.CreatedAt > LogicalInterval * AgeFactor;

    /// <summary>The newest physical set is older than <see cref="AgeFactor"/> intervals of the most frequent physical schedule.</summary>
    public bool PhysicalStale => NewestPhysical is { } newest && PhysicalInterval is { } interval && Now - newest > interval * AgeFactor;

    /// <summary>How far the off-site copies trail; null without an off-site bucket.</summary>
    public OffsiteLagReport? Offsite { get; init; }

    /// <summary>Every check that could be read: the conductor opens an incident for each that fails and resolves it when it passes.</summary>
    public IEnumerable<BackupCheck> Checks()
    {
        if (NewestLogical is { } newest)
        {
            yield return new BackupCheck(AgeComponent, LogicalStale,
                $"newest backup {newest.Name} is {Hours(Now - newest.Manifest.CreatedAt)} old; the limit is {AgeFactor:0.##} x the schedule's {Hours(LogicalInterval)}");
            yield return new BackupCheck(VerifyComponent, newest.Verified == false,
                newest.Verified == false ? $"newest backup {newest.Name} failed verification: {newest.VerifyMessage}" : $"newest backup {newest.Name} did not fail verification");
        }

        if (NewestPhysical is { } physical && PhysicalInterval is { } interval)
        {
            yield return new BackupCheck(PhysicalAgeComponent, PhysicalStale,
                $"newest physical backup stopped {Hours(Now - physical)} ago; the limit is {AgeFactor:0.##} x the schedule's {Hours(interval)}");
        }

        if (Space is { } space)
        {
            yield return new BackupCheck(SpaceComponent, !space.Fits, space.ToString());
        }

        if (Offsite is { } offsite)
        {
            yield return offsite.Check();
        }
    }

    private static string Hours(TimeSpan span) => $"{span.TotalHours:0.#} h";
}

/// <summary>Reads <see cref="BackupMonitorReport"/>: for <c>o4o status</c> and the conductor's <see cref="BackupWatch"/>.</summary>
/// <param name="home">The home.</param>
/// <param name="database">Where the platform's database is (its size estimates a first archive).</param>
/// <param name="backup">The backup settings and thresholds.</param>
/// <param name="archiving">Physical backups' schedules, when archiving is on.</param>
/// <param name="time">The clock.</param>
public sealed class BackupMonitor(O4OHome home, DatabaseOptions database, BackupOptions backup, ArchivingOptions archiving, TimeProvider time)
{
    /// <summary>The off-site bucket, whose lag is watched when it is enabled.</summary>
    public OffsiteOptions Offsite { get; init; } = new();

    /// <summary>Reads everything; what cannot be read is left out of the checks, with the reason.</summary>
    public async Task<BackupMonitorReport> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var directory = backup.DirectoryFor(home);
        var entries = Directory.Exists(directory) ? await new BackupCatalogue(home.StateDatabase, directory).SyncAsync(cancellationToken) : [];
        var newest = entries.MaxBy(entry => entry.Manifest.CreatedAt);
        var (physical, physicalInterval, physicalError) = await PhysicalAsync(now, cancellationToken);
        var (space, spaceError) = await SpaceAsync(directory, cancellationToken);
        return new BackupMonitorReport(newest, Interval(backup.ParseSchedule(), newest?.Manifest.CreatedAt ?? now), physical, physicalInterval, physicalError,
            space, spaceError, backup.AgeFactor, now)
        {
            Offsite = Offsite.Enabled
                ? new OffsiteLagReport(OffsiteLag.Of(directory, new OffsiteCopies(home.StateDatabase), now),
                    database.IsManaged && archiving.Enabled ? OffsiteWalState.Read(PgBackRest.For(home).Layout) : null, Offsite.LagThreshold, now)
                : null,
        };
    }

    private async Task<(DateTimeOffset?, TimeSpan?, string?)> PhysicalAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pgBackRest = PgBackRest.For(home);
        if (!database.IsManaged || !archiving.Enabled || !pgBackRest.IsConfigured)
        {
            return (null, null, null);
        }

        var interval = archiving.ParseSchedules().Min(schedule => Interval(schedule.Schedule, now));
        try
        {
            var sets = (await pgBackRest.InfoAsync(cancellationToken)).Backups;
            return (sets.Count == 0 ? null : sets.Max(set => set.Stopped), interval, null);
        }
        catch (Exception exception) when (exception is PgBackRestException or System.Text.Json.JsonException or IOException
            or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return (null, interval, exception.Message);
        }
    }

    private async Task<(BackupSpace?, string?)> SpaceAsync(string directory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return (null, $"{directory} does not exist yet");
        }

        try
        {
            return (await BackupSpace.MeasureAsync(directory, backup.SpaceMargin,
                token => BackupSpace.DatabaseSize(ResolvedDatabaseServer.Resolve(home, database))(token), cancellationToken), null);
        }
        catch (Exception exception) when (exception is DatabaseUnavailableException or IOException or UnauthorizedAccessException)
        {
            return (null, exception.Message);
        }
    }

    /// <summary>The schedule's interval after <paramref name="from"/>: between its next two occurrences.</summary>
    private TimeSpan Interval(CronExpression schedule, DateTimeOffset from) =>
        schedule.GetNextOccurrence(from, time.LocalTimeZone) is { } next && schedule.GetNextOccurrence(next, time.LocalTimeZone) is { } after
            ? after - next
            : TimeSpan.FromDays(36500);
}
