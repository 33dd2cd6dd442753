using O4O.Recovery.PointInTime;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>When a series of archiver readings opens and closes an episode of failing WAL archiving.</summary>
public sealed class ArchiveWatchTests
{
    private static readonly DateTimeOffset _start = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
    private static readonly ArchiverStatus _healthy = new(10, "00000001000000000000000A", _start, 0, null, null, "00000001000000000000000B", null, 0, TimeSpan.Zero);

    [Fact]
    public void A_failing_archive_command_is_one_detection_with_pgBackRests_reason_until_a_segment_is_archived_after_it()
    {
        var watch = new ArchiveWatch(TimeSpan.FromSeconds(60));
        var failing = _healthy with
        {
            FailedCount = 3,
            LastFailedWal = "00000001000000000000000B",
            LastFailedAt = _start.AddSeconds(5),
            OldestWaiting = "00000001000000000000000B",
            Waiting = 1,
            Lag = TimeSpan.FromSeconds(2),
        };

        Assert.Null(watch.Look(_healthy, NoError, _start));
        var detected = watch.Look(failing, segment => $"[104] repo1: unable to open file '{segment}' for write: [13] Permission denied", _start.AddSeconds(6));
        var again = watch.Look(failing with { FailedCount = 6, LastFailedAt = _start.AddSeconds(65), Lag = TimeSpan.FromSeconds(62) }, NoError, _start.AddSeconds(66));
        var recovered = watch.Look(failing with { ArchivedCount = 12, LastArchivedWal = "00000001000000000000000C", LastArchivedAt = _start.AddSeconds(70), Waiting = 0, OldestWaiting = null, Lag = TimeSpan.Zero },
            NoError, _start.AddSeconds(71));

        Assert.Equal(RecoveryEventKind.Detected, detected?.Kind);
        Assert.Equal(WalArchiving.Component, detected!.Component);
        Assert.Contains("segment 00000001000000000000000B", detected.Seen, StringComparison.Ordinal);
        Assert.Contains("Permission denied", detected.Seen, StringComparison.Ordinal);
        Assert.Null(again);
        Assert.Equal(RecoveryEventKind.Recovered, recovered?.Kind);
        Assert.False(watch.Failing);
    }

    [Fact]
    public void An_archive_lag_above_the_threshold_is_detected_and_recovered_when_the_waiting_segments_are_archived()
    {
        var watch = new ArchiveWatch(TimeSpan.FromSeconds(60));
        var slow = _healthy with { OldestWaiting = "00000001000000000000000B", Waiting = 4 };

        Assert.Null(watch.Look(slow with { Lag = TimeSpan.FromSeconds(60) }, NoError, _start));
        var detected = watch.Look(slow with { Lag = TimeSpan.FromSeconds(61) }, NoError, _start.AddSeconds(1));
        var recovered = watch.Look(_healthy, NoError, _start.AddSeconds(2));

        Assert.Equal(RecoveryEventKind.Detected, detected?.Kind);
        Assert.Contains("segment 00000001000000000000000B waits longer than 60 s", detected!.Seen, StringComparison.Ordinal);
        Assert.Equal(RecoveryEventKind.Recovered, recovered?.Kind);
    }

    [Fact]
    public void Failures_followed_by_an_archived_segment_and_counters_reset_by_a_crash_restart_are_not_detected()
    {
        var watch = new ArchiveWatch(TimeSpan.FromSeconds(60));
        var retriedWell = _healthy with { FailedCount = 2, LastFailedWal = "00000001000000000000000A", LastFailedAt = _start.AddSeconds(-1) };

        Assert.Null(watch.Look(retriedWell, NoError, _start));
        Assert.Null(watch.Look(_healthy with { ArchivedCount = 0, LastArchivedWal = null, LastArchivedAt = null }, NoError, _start.AddSeconds(5)));
        Assert.False(watch.Failing);
    }

    private static string? NoError(string? segment) => null;
}
