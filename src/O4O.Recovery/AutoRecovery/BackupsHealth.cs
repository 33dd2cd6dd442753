using O4O.Recovery.Supervision;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// A scheduled backup job's <paramref name="component"/> (<c>backups</c> for the logical archives, <c>physical-backups</c>
/// for pgBackRest's sets) as the job reports it: a failed backup is a detected failure, which opens an incident (without
/// a good backup the runbook's restore has nothing to restore from), and the job's next good backup is its recovery.
/// Each kind is its own component: one kind of backup succeeding says nothing of the other, so it resolves no incident
/// of the other.
/// </summary>
internal sealed class BackupsHealth(string component, IRecoveryJournal journal, TimeProvider time)
{
    // A failure before this conductor started may have left an incident open: the first good backup reports a recovery.
    private bool _mayBeFailing = true;

    /// <summary>Records a backup the job made (or tried): what was due, what was done, and what came of it.</summary>
    public Task ActedAsync(string due, string done, string outcome, CancellationToken stop) =>
        journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), component, RecoveryEventKind.Action, due, done, outcome), stop);

    /// <summary>Records a failure of the job's backup: an incident.</summary>
    public Task FailedAsync(string seen, string done, string outcome, CancellationToken stop)
    {
        _mayBeFailing = true;
        return journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), component, RecoveryEventKind.Detected, seen, done, outcome), stop);
    }

    /// <summary>Records a good backup as the recovery of an earlier failure, if the job may have had one.</summary>
    public async Task SucceededAsync(string made, CancellationToken stop)
    {
        if (_mayBeFailing)
        {
            _mayBeFailing = false;
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), component, RecoveryEventKind.Recovered, $"a backup succeeded: {made}"), stop);
        }
    }
}
