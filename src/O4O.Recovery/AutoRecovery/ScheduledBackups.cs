using Cronos;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// The conductor's backups on <c>Backup:Schedule</c> (cron, local time; default daily 03:00), made by the same engine as
/// <c>o4o backup create</c> and recorded in the catalogue and, as events, in the journals (a failed backup is never silent).
/// </summary>
public sealed class ScheduledBackups(O4OHome home, DatabaseOptions database, BackupOptions backup, IRecoveryJournal journal, TimeProvider time)
{
    private const string Component = "backups";

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
        string outcome;
        try
        {
            outcome = await ConductorBackup.CreateAsync(home, backup.DirectoryFor(home), database, time, progress: null, stop);
        }
        catch (Exception exception) when (ConductorBackup.IsFailure(exception))
        {
            outcome = $"failed: {exception.Message}";
        }

        await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Component, RecoveryEventKind.Action,
            $"scheduled backup due ({backup.Schedule})", "ran the backup engine", outcome), stop);
    }
}
