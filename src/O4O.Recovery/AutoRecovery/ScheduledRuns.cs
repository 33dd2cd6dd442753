namespace O4O.Recovery.AutoRecovery;

/// <summary>One run a schedule asks for: when, and what (with why, for the record).</summary>
/// <typeparam name="T">What the run does (a reason, a backup type and a reason, …).</typeparam>
/// <param name="At">When it is due.</param>
/// <param name="What">What to do then.</param>
internal readonly record struct ScheduledRun<T>(DateTimeOffset At, T What);

/// <summary>
/// The loop of the conductor's scheduled jobs (logical and physical backups): wait for the next run on the clock, do it,
/// ask the schedule for the next one; a run missed while no conductor ran is made at its catch-up time instead when that
/// comes first. Stopping ends the wait or the run in progress quietly.
/// </summary>
internal static class ScheduledRuns
{
    /// <summary>Runs <paramref name="run"/> at every run of <paramref name="next"/> (the first after a time) until <paramref name="stop"/>.</summary>
    public static async Task RunAsync<T>(TimeProvider time, ScheduledRun<T>? catchUp, Func<DateTimeOffset, ScheduledRun<T>?> next,
        Func<T, CancellationToken, Task> run, CancellationToken stop)
    {
        try
        {
            while (next(time.GetUtcNow()) is { } occurrence)
            {
                var due = catchUp is { } missed && missed.At < occurrence.At ? missed : occurrence;
                catchUp = null;
                await Task.Delay(due.At - time.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero, time, stop);
                await run(due.What, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The conductor stops; an interrupted backup leaves nothing behind (each engine's promise).
        }
    }
}
