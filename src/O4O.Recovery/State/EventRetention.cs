using Microsoft.Extensions.Configuration;

namespace O4O.Recovery.State;

/// <summary>
/// Keeps the event log to <c>Events:Retention</c> (90 days unless configured): the conductor prunes older events at
/// its start and once a day, so years of probes, restarts and refused sign-ins do not grow <c>state.db</c> without end.
/// Incidents keep their own timelines.
/// </summary>
public sealed class EventRetention(EventLog events, TimeSpan retention, TimeProvider time)
{
    /// <summary>The configuration key.</summary>
    public const string Setting = "Events:Retention";

    /// <summary>How long events are kept when <see cref="Setting"/> is not set.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromDays(90);

    private static readonly TimeSpan _every = TimeSpan.FromDays(1);

    /// <summary>The configured retention.</summary>
    /// <exception cref="InvalidOperationException">It is not a positive duration.</exception>
    public static TimeSpan From(IConfiguration configuration)
    {
        var configured = configuration.GetValue(Setting, Default);
        return configured > TimeSpan.Zero
            ? configured
            : throw new InvalidOperationException($"{Setting} must be a positive duration such as 90.00:00:00, not {configured}.");
    }

    /// <summary>Prunes now and then daily until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        // Made before the first prune, so a day that passes while it runs is not lost.
        using var daily = new PeriodicTimer(_every, time);
        do
        {
            await events.PruneAsync(time.GetUtcNow() - retention, stop);
        }
        while (await daily.NextTickAsync(stop));
    }
}
