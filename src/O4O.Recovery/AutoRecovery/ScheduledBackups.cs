using Cronos;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// The conductor's backups on <c>Backup:Schedule</c> (cron, local time; default daily 03:00), made by the same engine as
/// <c>o4o backup create</c> and recorded in the catalogue and, as events, in the journals. A failed backup is never
/// silent: it is a detected failure of the <c>backups</c> component, which opens an incident (and so pages and
/// escalates like any outage — without a backup the runbook's phase 3 has nothing to restore), and the next backup
/// that succeeds is its recovery.
/// </summary>
public sealed class ScheduledBackups(O4OHome home, DatabaseOptions database, BackupOptions backup, IRecoveryJournal journal, TimeProvider time)
{
    private const string Component = "backups";

    // A failure before this conductor started may have left an incident open: the first good backup reports a recovery.
    private bool _mayBeFailing = true;

    /// <summary>Makes a backup at every occurrence of the schedule until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        CronExpression schedule;
        try
        {
            schedule = CronExpression.Parse(backup.Schedule);
        }
        catch (CronFormatException exception)
        {
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Note,
                $"Backup:Schedule '{backup.Schedule}' is not a cron expression: {exception.Message}", "no scheduled backups", "waiting for a person"), stop);
            return;
        }

        try
        {
            while (schedule.GetNextOccurrence(time.GetUtcNow(), time.LocalTimeZone) is { } next)
            {
                await Task.Delay(next - time.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero, time, stop);
                await BackUpAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The conductor stops; an interrupted backup leaves nothing behind (the engine's promise).
        }
    }

    private async Task BackUpAsync(CancellationToken stop)
    {
        var due = $"scheduled backup due ({backup.Schedule})";
        string made;
        try
        {
            made = await ConductorBackup.CreateAsync(home, backup.DirectoryFor(home), database, time, progress: null, stop);
        }
        catch (Exception exception) when (ConductorBackup.IsFailure(exception))
        {
            _mayBeFailing = true;
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Detected,
                $"scheduled backup failed: {exception.Message}", "ran the backup engine", "no new archive; retried at the next scheduled time"), stop);
            return;
        }

        await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Action, due, "ran the backup engine", made), stop);
        if (_mayBeFailing)
        {
            _mayBeFailing = false;
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Recovered, $"a backup succeeded: {made}"), stop);
        }
    }
}
