using System.Globalization;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Decides, look by look, when WAL archiving starts and stops failing. An episode opens when <c>archive_command</c> failed
/// since the previous look with no segment archived after the failure, or when the archive lag exceeds the threshold; it
/// is one detection however long it lasts (PostgreSQL retries a failing segment every minute, and every retry fails
/// again). It closes when a segment was archived after the last failure and the lag is back under the threshold.
/// </summary>
/// <param name="lagThreshold">The archive lag above which archiving is failing (<c>Archiving:LagThreshold</c>).</param>
internal sealed class ArchiveWatch(TimeSpan lagThreshold)
{
    private long? _failedCount;
    private bool _failing;

    /// <summary>True while an episode is open.</summary>
    public bool Failing => _failing;

    /// <summary>
    /// Takes the next look; returns the event that opens or closes an episode, or null when nothing changed.
    /// <paramref name="pushError"/> reads pgBackRest's reason for a failing segment, asked only when one is detected.
    /// </summary>
    public RecoveryEvent? Look(ArchiverStatus status, Func<string?, string?> pushError, DateTimeOffset now)
    {
        // Statistics lost in a crash restart count again from zero: then every failure counted is new.
        var newFailures = status.FailedCount > (_failedCount is { } seen && seen <= status.FailedCount ? seen : 0);
        _failedCount = status.FailedCount;
        var lagging = status.Lag > lagThreshold;
        if (!_failing && ((newFailures && status.FailingSinceLastSuccess) || lagging))
        {
            _failing = true;
            var segment = status.FailingSinceLastSuccess ? status.LastFailedWal : status.OldestWaiting;
            return new RecoveryEvent(now, WalArchiving.Component, RecoveryEventKind.Detected, Describe(status, segment, pushError(segment)),
                "watching pg_stat_archiver and pg_wal/archive_status",
                $"a restore cannot reach past segment {status.LastArchivedWal ?? "-"} until archiving catches up");
        }

        if (_failing && !status.FailingSinceLastSuccess && !lagging)
        {
            _failing = false;
            return new RecoveryEvent(now, WalArchiving.Component, RecoveryEventKind.Recovered,
                $"WAL archiving caught up: segment {status.LastArchivedWal ?? "-"} archived at {Time(status.LastArchivedAt)}, "
                + $"{status.Waiting} waiting, archive lag {Seconds(status.Lag)}");
        }

        return null;
    }

    private string Describe(ArchiverStatus status, string? segment, string? error)
    {
        var failure = status.FailingSinceLastSuccess
            ? $"WAL archiving fails: archive_command failed on segment {segment} at {Time(status.LastFailedAt)} ({status.FailedCount} failures)"
            : $"WAL archiving trails: segment {segment} waits longer than {Seconds(lagThreshold)}";
        var reason = error is null ? "" : $": pgbackrest: {error}";
        return $"{failure}{reason}; archive lag {Seconds(status.Lag)}, {status.Waiting} segment(s) waiting";
    }

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s");

    private static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "-";
}
