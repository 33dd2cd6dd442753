using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// Watches the managed server's log for damaged data (<see cref="FailureType.DatabaseDamage"/>) and the database for
/// lost data (<see cref="FailureType.DataLoss"/>: a missing table or column, a sudden drop in a table's rows). With
/// AutoRecovery on and <see cref="AutoRecoveryOptions.RestoreOnCorruption"/>, restores the newest verified backup;
/// otherwise records that it waits for a person.
/// </summary>
internal sealed class DamageWatch(ServerLogScanner scanner, DataLossProbe? loss, DamageRestore restore, AutoRecoveryOptions options,
    SupervisionOptions supervision, RecoveryGate gate, IRecoveryJournal journal, TimeProvider time)
{
    // The same damage is reported by every query that touches it: one detection per window, not one per query.
    private static readonly TimeSpan _quietAfterDetection = TimeSpan.FromMinutes(1);

    private DateTimeOffset? _quietUntil;

    // The lost data recorded and still seen: recorded once, and its end is a recovery.
    private string? _lossSeen;

    /// <summary>Scans on the probe interval until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        scanner.SkipExisting();
        try
        {
            while (true)
            {
                await Task.Delay(supervision.ProbeInterval, time, stop);
                if (await NextDetectionAsync(stop) is not var (seen, type))
                {
                    continue;
                }

                var firstEvidence = time.GetUtcNow();
                await RecordAsync(RecoveryEventKind.Detected, seen, "", "", type, stop);
                var outcome = HeldBecause() is { } reason
                    ? new AutoRestoreOutcome($"not restored: {reason}", RestoreVerdict.WaitingForAPerson)
                    : await restore.RestoreAsync(firstEvidence, stop);
                var verified = outcome.Verdict == RestoreVerdict.Verified;
                await RecordAsync(RecoveryEventKind.Action, seen, outcome.Done, outcome.Text, verified ? null : type, stop);
                if (verified)
                {
                    scanner.SkipExisting();
                    _lossSeen = null;
                    await RecordAsync(RecoveryEventKind.Recovered, "the restored database answers", "", outcome.Text, null, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The conductor stops.
        }
    }

    /// <summary>New damage in the server log, else lost data not recorded yet; null when there is nothing new.</summary>
    private async Task<(string Seen, FailureType Type)?> NextDetectionAsync(CancellationToken stop)
    {
        var damage = scanner.NewDamage();
        if (damage.Count > 0 && !(time.GetUtcNow() < _quietUntil))
        {
            _quietUntil = time.GetUtcNow() + _quietAfterDetection;
            return (damage.Count == 1 ? $"server log: {damage[0]}" : $"server log: {damage[0]} (and {damage.Count - 1} more lines)", FailureType.DatabaseDamage);
        }

        // While a restore swaps the database, what is missing is the restore's doing.
        if (loss is null || gate.Paused.ContainsKey(Conductor.DatabaseComponent))
        {
            return null;
        }

        var look = await loss.LookAsync(stop);
        if (!look.Answered)
        {
            return null;
        }

        var seen = look.Evidence;
        if (seen is null && _lossSeen is { } ended)
        {
            _lossSeen = null;
            await RecordAsync(RecoveryEventKind.Recovered, $"no longer seen: {ended}", "", "healthy", null, stop);
        }

        // One loss is one detection, however its evidence reads from one look to the next.
        if (seen is null || _lossSeen is not null)
        {
            return null;
        }

        _lossSeen = seen;
        return (seen, FailureType.DataLoss);
    }

    private string? HeldBecause() =>
        !gate.Enabled ? "AutoRecovery is off"
        : !options.RestoreOnCorruption ? "restoring on damage is off (O4O__AutoRecovery__RestoreOnCorruption)"
        : gate.PauseReason(Conductor.DatabaseComponent) is { } pause ? $"paused ({pause})"
        : null;

    private Task RecordAsync(RecoveryEventKind kind, string seen, string done, string outcome, FailureType? type, CancellationToken stop) =>
        journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.DatabaseComponent, kind, seen, done, outcome, type), stop);
}
