namespace O4O.Recovery;

/// <summary>The loop of the conductor's periodic work: wait for the next tick, or end quietly when stopped.</summary>
internal static class PeriodicTimerExtensions
{
    /// <summary>True at the next tick; false once <paramref name="stop"/> is cancelled.</summary>
    public static async Task<bool> NextTickAsync(this PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
    }
}
