namespace O4O.Recovery.State;

/// <summary>
/// Keeps the event log to <c>Events:Retention</c> (<see cref="Configuration.EventOptions"/>): the conductor prunes older events at
/// its start and once a day, so years of probes, restarts and refused sign-ins do not grow <c>state.db</c> without end.
/// Incidents keep their own timelines.
/// </summary>
internal sealed class EventRetention(EventLog events, TimeSpan retention, TimeProvider time)
{
    private static readonly TimeSpan _every = TimeSpan.FromDays(1);

    /// <summary>Prunes now and then daily until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        // Made before the first prune, so a day that passes while it runs is not lost.
        using var daily = new PeriodicTimer(_every, time);
        do
        {
            try
            {
                await events.PruneAsync(time.GetUtcNow() - retention, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped during a prune, as between two: the end of the run, not a failure of it.
                return;
            }
        }
        while (await daily.NextTickAsync(stop));
    }
}
