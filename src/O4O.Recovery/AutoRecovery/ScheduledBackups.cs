using Cronos;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// The conductor's backups on <c>Backup:Schedule</c> (cron, local time; default daily 03:00), made by the same engine as
/// <c>o4o backup create</c>, verified at once by a test restore (as <c>o4o backup verify</c>), and recorded in the catalogue
/// and, as events, in the journals. A failed backup or a new archive that fails verification is never silent: it is a
/// detected failure of the <c>backups</c> component, which opens an incident (and so pages and escalates like any
/// outage — without a good backup the runbook's phase 3 has nothing to restore), and the next verified backup is its
/// recovery. A run missed while no conductor ran is caught up shortly after the start, the way
/// anacron or a persistent systemd timer would.
/// </summary>
internal sealed class ScheduledBackups(O4OHome home, DatabaseOptions database, BackupOptions backup, IRecoveryJournal journal, TimeProvider time)
{
    /// <summary>
    /// A run the schedule missed while no conductor ran (or the first backup of a new installation) is made this long
    /// after the start rather than at the next scheduled time: late enough that starting up, and any recovery that
    /// needs, comes first.
    /// </summary>
    public static readonly TimeSpan CatchUpDelay = TimeSpan.FromMinutes(10);

    /// <summary>The logical backups' component in events and incidents.</summary>
    public const string Component = "backups";

    private readonly BackupsHealth _health = new(Component, journal, time);

    /// <summary>Makes a backup at every occurrence of the schedule until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        CronExpression schedule;
        try
        {
            schedule = backup.ParseSchedule();
        }
        catch (FormatException exception)
        {
            // `o4o up` refuses such a schedule before it starts anything; this covers a conductor started another way.
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Note,
                exception.Message, "no scheduled backups", "waiting for a person"), stop);
            return;
        }

        var catchUp = MissedOne(schedule)
            ? new ScheduledRun<string>(time.GetUtcNow() + CatchUpDelay, "a scheduled backup was missed (none since the schedule's last time): catching up")
            : (ScheduledRun<string>?)null;
        await ScheduledRuns.RunAsync(time, catchUp,
            after => schedule.GetNextOccurrence(after, time.LocalTimeZone) is { } occurrence
                ? new ScheduledRun<string>(occurrence, $"scheduled backup due ({backup.Schedule})")
                : null,
            BackUpAsync, stop);
    }

    /// <summary>True when the schedule came due after the newest archive was made (or there is none): a run was missed.</summary>
    private bool MissedOne(CronExpression schedule)
    {
        var directory = backup.DirectoryFor(home);
        if (!Directory.Exists(directory) || ArchiveName.Newest(directory) is not { } newest
            || !ArchiveName.TryParseTime(Path.GetFileName(newest), out var made))
        {
            return true;
        }

        return schedule.GetNextOccurrence(made, time.LocalTimeZone) is { } due && due < time.GetUtcNow();
    }

    private async Task BackUpAsync(string due, CancellationToken stop)
    {
        if (await Containment.IsolatedRuns.SkipAsync(home, Component, due, journal, time, stop))
        {
            return;
        }

        ConductorArchive made;
        try
        {
            made = await ConductorBackup.CreateAsync(home, backup, database, journal, time, progress: null, stop);
        }
        catch (Exception exception) when (ConductorBackup.IsFailure(exception))
        {
            await _health.FailedAsync($"scheduled backup failed: {exception.Message}", "ran the backup engine",
                "no new archive; retried at the next scheduled time", stop);
            return;
        }

        await _health.ActedAsync(due, "ran the backup engine and a test restore of the new archive", made.ToString(), stop);
        if (made.Verification is { Passed: false } failed)
        {
            // An archive that does not restore is no backup: phase 3 would have nothing to restore from.
            await _health.FailedAsync($"new archive {made.Name} failed verification: {failed.Failure}", "verified it by a test restore",
                "it cannot be trusted for a restore; a new backup is made at the next scheduled time", stop);
            return;
        }

        if (made.Verification is not null)
        {
            await _health.SucceededAsync(made.ToString(), stop);
        }
    }
}
