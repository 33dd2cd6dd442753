using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Containment;

/// <summary>The conductor's scheduled backups while the shop is isolated: skipped, with a line on the record saying so.</summary>
internal static class IsolatedRuns
{
    /// <summary>True (and recorded) when <paramref name="due"/> must not run because the shop is isolated.</summary>
    public static async Task<bool> SkipAsync(O4OHome home, string component, string due, IRecoveryJournal journal, TimeProvider time, CancellationToken stop)
    {
        if (Isolation.Read(home) is not { } isolated)
        {
            return false;
        }

        await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), component, RecoveryEventKind.Note, due,
            $"skipped: the shop is isolated (by {isolated.By} since {isolated.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)",
            "no new backup can replace a clean one; the schedule resumes after `o4o isolate off`"), stop);
        return true;
    }
}
