using O4O.Recovery.Configuration;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Patroni;

/// <summary>
/// The conductor's watch over a Patroni cluster: every <see cref="PatroniOptions.WatchInterval"/> it reads the cluster
/// from Patroni's REST API, keeps the reading for <c>o4o status</c> and the dashboard (<see cref="Latest"/>), and records
/// what <see cref="PatroniEpisodes"/> finds, so a failover or a lost standby is an incident escalated like any other
/// failure. It never acts on the cluster: Patroni alone restarts and promotes.
/// </summary>
internal sealed class PatroniWatch(PatroniRest rest, PatroniOptions options, EventLog events, IRecoveryJournal journal, TimeProvider time)
{
    // o4o switchover waits up to a minute for the new leader: a switchover asked that long before the move still explains it.
    private static readonly TimeSpan _switchoverWindow = TimeSpan.FromSeconds(70);

    private readonly PatroniEpisodes _episodes = new(options.MaxLagBytes);

    /// <summary>The last reading; null before the first.</summary>
    public PatroniObservation? Latest { get; private set; }

    /// <summary>Reads and judges the cluster until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (true)
        {
            var observation = await rest.ObserveAsync(time.GetUtcNow(), stop);
            var (seen, changes) = _episodes.Look(observation, await LastSwitchoverAskedAsync(observation.At - _switchoverWindow, stop));
            Latest = seen;
            foreach (var change in changes)
            {
                await journal.RecordAsync(change, stop);
            }

            await Task.Delay(options.WatchInterval, time, stop);
        }
    }

    private async Task<DateTimeOffset?> LastSwitchoverAskedAsync(DateTimeOffset since, CancellationToken stop) =>
        (await events.RecentAsync(200, stop)).LastOrDefault(e => PatroniEvents.IsSwitchoverAsked(e) && e.At >= since)?.At;
}
