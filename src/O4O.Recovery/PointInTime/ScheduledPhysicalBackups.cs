using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// The conductor's physical backups of the managed cluster on <c>Archiving:FullSchedule</c>, <c>DifferentialSchedule</c> and
/// <c>IncrementalSchedule</c> (cron, local time), taken once WAL archiving has been checked. A repository with no backup
/// set has no recovery window at all, so then a full backup is taken at once; a run missed while no conductor ran is
/// caught up shortly after the start, as the logical backups do. Each backup is an event of the <c>physical-backups</c>
/// component (type, label, sizes, duration); a failed one is a detected failure (an incident), and the next good one its
/// recovery. Not the logical backups' <c>backups</c>: a good physical backup resolves no incident of a failing logical one.
/// pgBackRest expires sets beyond <c>KeepFull</c> after each backup, with the WAL they alone needed.
/// </summary>
internal sealed class ScheduledPhysicalBackups(PgBackRest pgBackRest, ArchivingOptions options, Task archivingChecked, IRecoveryJournal journal, TimeProvider time)
{
    /// <summary>The physical backups' component in events and incidents.</summary>
    public const string Component = "physical-backups";

    /// <summary>The off-site copies' component: a failing upload is its own incident, which a good local backup does not resolve.</summary>
    public const string OffsiteComponent = "offsite-physical-backups";

    private readonly BackupsHealth _health = new(Component, journal, time);
    private readonly BackupsHealth _offsiteHealth = new(OffsiteComponent, journal, time);

    /// <summary>
    /// The shipping of WAL to the off-site bucket, when there is one: each backup is then taken again into it (pgBackRest's
    /// second repository) while the shipping brings that backup's WAL there.
    /// </summary>
    public OffsiteWalShipping? OffsiteWal { get; init; }

    /// <summary>Waits for archiving to be checked, then takes a backup at every scheduled time until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        PhysicalBackupSchedule schedule;
        try
        {
            schedule = new PhysicalBackupSchedule(options.ParseSchedules(), time.LocalTimeZone);
        }
        catch (FormatException exception)
        {
            // `o4o up` refuses such a schedule before it starts anything; this covers a conductor started another way.
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Note,
                exception.Message, "no scheduled physical backups", "waiting for a person"), stop);
            return;
        }

        try
        {
            await archivingChecked.WaitAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }

        await ScheduledRuns.RunAsync(time, await CatchUpAsync(schedule, stop),
            after => schedule.Next(after) is { } next
                ? new ScheduledRun<Due>(next.At, new Due(next.Type, $"scheduled {next.Type} physical backup due"))
                : null,
            BackUpAsync, stop);
    }

    /// <summary>A full backup now when the repository has none; the biggest missed type after the delay when a run was missed.</summary>
    private async Task<ScheduledRun<Due>?> CatchUpAsync(PhysicalBackupSchedule schedule, CancellationToken stop)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<PhysicalBackupSet> sets;
        try
        {
            sets = (await pgBackRest.InfoAsync(stop)).Backups;
        }
        catch (PgBackRestException)
        {
            // The backup meets the same trouble and reports it as a failure: try one now rather than wait.
            sets = [];
        }

        if (sets.Count == 0)
        {
            return new ScheduledRun<Due>(now, new Due("full", "the repository holds no physical backup, so no point-in-time restore is possible: taking a full backup now"));
        }

        return schedule.Missed(sets[^1].Stopped, now) is { } type
            ? new ScheduledRun<Due>(now + ScheduledBackups.CatchUpDelay,
                new Due(type, $"a scheduled {type} physical backup was missed (none since the schedule's last time): catching up"))
            : null;
    }

    private async Task BackUpAsync(Due due, CancellationToken stop)
    {
        // A new set makes pgBackRest expire the oldest: while isolated, the sets from before the attack stay.
        if (await Containment.IsolatedRuns.SkipAsync(pgBackRest.Home, Component, due.Why, journal, time, stop))
        {
            return;
        }

        var type = due.Type;
        var done = $"ran pgbackrest backup --type={type}";
        PhysicalBackupTaken taken;
        try
        {
            taken = await new PhysicalBackup(pgBackRest, time).TakeAsync(type, progress: null, stop);
        }
        catch (PgBackRestException exception)
        {
            await _health.FailedAsync($"scheduled {type} physical backup failed: {exception.Message}", done,
                "the recovery window does not move forward; retried at the next scheduled time", stop);
            return;
        }

        await _health.ActedAsync(due.Why, done, taken.ToString(), stop);
        await _health.SucceededAsync(taken.ToString(), stop);
        if (OffsiteWal is { } shipping)
        {
            await BackUpOffsiteAsync(type, shipping, stop);
        }
    }

    // The same type again into the bucket, after the local one (which a restore on this machine needs first): its own
    // sets, built on its own earlier ones; pgBackRest makes the first one there a full.
    private async Task BackUpOffsiteAsync(string type, OffsiteWalShipping shipping, CancellationToken stop)
    {
        var done = $"ran pgbackrest backup --type={type} --repo={PgBackRestOffsite.Remote}";
        try
        {
            var taken = await shipping.AlongsideAsync(token => new PhysicalBackup(pgBackRest, time).TakeAsync(type, PgBackRestOffsite.Remote, progress: null, token), stop);
            await _offsiteHealth.ActedAsync($"the {type} physical backup goes off-site too", done, $"off-site: {taken}", stop);
            await _offsiteHealth.SucceededAsync($"off-site: {taken}", stop);
        }
        catch (PgBackRestException exception)
        {
            await _offsiteHealth.FailedAsync($"off-site {type} physical backup failed: {exception.Message}", done,
                "the local backup stands; the off-site copy is retried at the next scheduled time", stop);
        }
    }

    /// <summary>A backup the schedule asks for: its type, and why (for the record).</summary>
    private sealed record Due(string Type, string Why);
}
