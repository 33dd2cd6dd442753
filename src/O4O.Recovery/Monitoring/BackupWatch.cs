using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Monitoring;

/// <summary>
/// The conductor's look at the backups every <c>Backup:WatchInterval</c> (the runbook's backup-monitoring.sh): each
/// <see cref="BackupCheck"/> that crosses its threshold is a detection of its component, which opens an incident and
/// pages, once however long it lasts; its passing again is the recovery that resolves it. An incident a previous conductor
/// left open (the event log's last word on the component is a detection) is resolved by the first look that passes.
/// </summary>
/// <param name="monitor">Reads the backups.</param>
/// <param name="interval">How long between looks.</param>
/// <param name="events">The event log, read once for what a previous conductor left failing.</param>
/// <param name="journal">Where detections and recoveries go.</param>
/// <param name="time">The clock.</param>
internal sealed class BackupWatch(BackupMonitor monitor, TimeSpan interval, EventLog events, IRecoveryJournal journal, TimeProvider time)
{
    private Dictionary<string, bool>? _failing;

    /// <summary>Looks until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await LookAsync(stop);
                await Task.Delay(interval, time, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The conductor stops.
        }
    }

    /// <summary>One look: records what started or stopped failing since the previous one.</summary>
    public async Task LookAsync(CancellationToken stop)
    {
        _failing ??= await LeftFailingAsync(stop);
        var report = await monitor.ReadAsync(stop);
        foreach (var check in report.Checks())
        {
            var was = _failing.GetValueOrDefault(check.Component);
            if (check.Failing == was)
            {
                continue;
            }

            _failing[check.Component] = check.Failing;
            await journal.RecordAsync(check.Failing
                ? new RecoveryEvent(report.Now, check.Component, RecoveryEventKind.Detected, check.Evidence,
                    "watching the backups' age, verification, free space and off-site lag", "waiting for a good backup, or a person")
                : new RecoveryEvent(report.Now, check.Component, RecoveryEventKind.Recovered, check.Evidence), stop);
        }
    }

    private async Task<Dictionary<string, bool>> LeftFailingAsync(CancellationToken stop)
    {
        var recent = await events.RecentAsync(1000, stop);
        string[] components = [BackupMonitorReport.AgeComponent, BackupMonitorReport.PhysicalAgeComponent, BackupMonitorReport.VerifyComponent,
            BackupMonitorReport.SpaceComponent, OffsiteLagReport.Component];
        return components.ToDictionary(component => component,
            component => recent.LastOrDefault(e => e.Component == component)?.Kind == RecoveryEventKind.Detected);
    }
}
