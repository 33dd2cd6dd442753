using O4O.Recovery.Configuration;
using O4O.Recovery.Offsite;

namespace O4O.Recovery.Dashboard;

/// <summary>Whether the off-site copies are immutable, as the backups panel shows it.</summary>
/// <param name="State">The bucket's Object Lock; null when it could not be read.</param>
/// <param name="LockDays">The days each copy is locked for when it is on (<c>Offsite:LockDays</c>).</param>
/// <param name="Unknown">Why the state could not be read, or null.</param>
internal sealed record OffsiteLockOverview(ObjectLockState? State, int LockDays, string? Unknown);

/// <summary>
/// The bucket's Object Lock for the dashboard, asked at most every five minutes: the page polls every 3 s, and only a
/// person changes a bucket's configuration.
/// </summary>
internal sealed class DashboardOffsiteLock(O4OHome home, OffsiteOptions offsite, TimeProvider time)
{
    private static readonly TimeSpan _freshFor = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(5);

    private (OffsiteLockOverview Overview, DateTimeOffset At)? _known;

    /// <summary>The overview; null without an off-site bucket.</summary>
    public async Task<OffsiteLockOverview?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!offsite.Enabled)
        {
            return null;
        }

        if (_known is { } known && time.GetUtcNow() - known.At < _freshFor)
        {
            return known.Overview;
        }

        var (state, unknown) = await ObjectLock.TryReadAsync(home, offsite, _timeout, cancellationToken);
        var overview = new OffsiteLockOverview(state, offsite.LockDays, unknown);
        _known = (overview, time.GetUtcNow());
        return overview;
    }
}
