using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// Watches the managed server's log for damaged data and records it as <see cref="FailureType.DatabaseDamage"/>. With
/// AutoRecovery on and <see cref="AutoRecoveryOptions.RestoreOnCorruption"/>, restores the newest verified backup;
/// otherwise records that it waits for a person.
/// </summary>
public sealed class DamageWatch(ServerLogScanner scanner, DamageRestore restore, AutoRecoveryOptions options, SupervisionOptions supervision,
    RecoveryGate gate, IRecoveryJournal journal, TimeProvider time)
{
    // The same damage is reported by every query that touches it: one detection per window, not one per query.
    private static readonly TimeSpan _quietAfterDetection = TimeSpan.FromMinutes(1);

    /// <summary>Scans on the probe interval until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        scanner.SkipExisting();
        DateTimeOffset? quietUntil = null;
        try
        {
            while (true)
            {
                await Task.Delay(supervision.ProbeInterval, time, stop);
                var damage = scanner.NewDamage();
                if (damage.Count == 0 || time.GetUtcNow() < quietUntil)
                {
                    continue;
                }

                var seen = damage.Count == 1 ? $"server log: {damage[0]}" : $"server log: {damage[0]} (and {damage.Count - 1} more lines)";
                await RecordAsync(RecoveryEventKind.Detected, seen, "", "", stop);
                var (done, outcome) = HeldBecause() is { } reason
                    ? ($"not restored: {reason}", "waiting for a person")
                    : await restore.RestoreAsync(stop);
                await RecordAsync(RecoveryEventKind.Action, seen, done, outcome, stop);
                quietUntil = time.GetUtcNow() + _quietAfterDetection;
                if (outcome.StartsWith("verified", StringComparison.Ordinal))
                {
                    scanner.SkipExisting();
                    await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.DatabaseComponent, RecoveryEventKind.Recovered,
                        "the restored database answers", "", outcome), stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The conductor stops.
        }
    }

    private string? HeldBecause() =>
        !gate.Enabled ? "AutoRecovery is off"
        : !options.RestoreOnCorruption ? "restoring on damage is off (O4O__AutoRecovery__RestoreOnCorruption)"
        : gate.PauseReason(Conductor.DatabaseComponent) is { } pause ? $"paused ({pause})"
        : null;

    private Task RecordAsync(RecoveryEventKind kind, string seen, string done, string outcome, CancellationToken stop) =>
        journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.DatabaseComponent, kind, seen, done, outcome,
            kind == RecoveryEventKind.Detected || !outcome.StartsWith("verified", StringComparison.Ordinal) ? FailureType.DatabaseDamage : null), stop);
}
