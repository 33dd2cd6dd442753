using O4O.Recovery.Configuration;
using O4O.Recovery.Dashboard;
using O4O.Recovery.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// The archive lag and failures as read from a real cluster archiving through real pgBackRest: a quiet cluster has no lag
/// however old its last archived segment; a segment the repository refuses waits, its age is the lag, and pgBackRest's
/// reason is found in its spool.
/// </summary>
public sealed class ArchiverStatusTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task A_quiet_cluster_with_every_segment_archived_has_no_archive_lag_however_old_its_last_archived_segment()
    {
        await WriteAndSwitchAsync();
        await WaitForAsync(status => status.Waiting == 0 && status.LastArchivedAt is not null);
        // Quiet for longer than archive_timeout (1 s here): nothing written, so no segment is finished and none waits.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var quiet = await ReadAsync();

        Assert.True(DateTimeOffset.UtcNow - quiet.LastArchivedAt >= TimeSpan.FromSeconds(2), $"last archived at {quiet.LastArchivedAt}");
        Assert.Equal(0, quiet.Waiting);
        Assert.Null(quiet.OldestWaiting);
        Assert.Equal(TimeSpan.Zero, quiet.Lag);
        Assert.False(quiet.FailingSinceLastSuccess);
    }

    [Fact]
    public async Task A_segment_the_repository_refuses_waits_with_its_age_as_the_lag_and_pgBackRests_reason_in_the_spool()
    {
        var archive = Path.Combine(fixture.PgBackRest.Layout.Repository, "archive");
        SetDirectoryModes(archive, (UnixFileMode)0b101_000_000);
        try
        {
            var refused = await WriteAndSwitchAsync();
            var failing = await WaitForAsync(status => status.FailingSinceLastSuccess && status.LastFailedWal == refused);
            await Task.Delay(TimeSpan.FromSeconds(3));

            var waiting = await ReadAsync();

            Assert.Equal(refused, waiting.OldestWaiting);
            Assert.True(waiting.Waiting >= 1);
            Assert.InRange(waiting.Lag, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(60));
            Assert.True(waiting.FailedCount >= failing.FailedCount);
            var error = ArchivePushError.Read(fixture.PgBackRest.Layout, refused);
            Assert.NotNull(error);
            Assert.Contains("Permission denied", error, StringComparison.Ordinal);
            Assert.Contains(refused, error, StringComparison.Ordinal);
        }
        finally
        {
            SetDirectoryModes(archive, (UnixFileMode)0b111_101_000);
        }

        // The next finished segment wakes the archiver, which otherwise waits a minute after three failures.
        var next = await WriteAndSwitchAsync();
        var caughtUp = await WaitForAsync(status => status.Waiting == 0 && string.CompareOrdinal(status.LastArchivedWal, next) >= 0);
        Assert.Equal(TimeSpan.Zero, caughtUp.Lag);
        Assert.False(caughtUp.FailingSinceLastSuccess);
    }

    [Fact]
    public async Task The_dashboard_and_status_show_pgBackRests_reason_while_the_refused_segment_is_retried_and_its_error_file_is_cleared()
    {
        var archive = Path.Combine(fixture.PgBackRest.Layout.Repository, "archive");
        var card = new DashboardWalArchiving(fixture.PgBackRest, fixture.Cluster.ConnectionString("postgres"), new ArchivingOptions(), TimeProvider.System);
        SetDirectoryModes(archive, (UnixFileMode)0b101_000_000);
        try
        {
            var refused = await WriteAndSwitchAsync();
            await WaitForAsync(status => status.FailingSinceLastSuccess && status.LastFailedWal == refused && ArchivePushError.Read(fixture.PgBackRest.Layout, refused) is not null);
            Assert.Contains("Permission denied", (await card.ReadAsync(CancellationToken.None)).Error, StringComparison.Ordinal);

            // pgBackRest deletes the segment's error file each time PostgreSQL retries it, before its new attempt fails again.
            var errorFile = Path.Combine(fixture.PgBackRest.Layout.Spool, "archive", PgBackRest.Stanza, "out", $"{refused}.error");
            var written = await File.ReadAllTextAsync(errorFile);
            File.Delete(errorFile);
            var retried = await card.ReadAsync(CancellationToken.None);

            Assert.Equal("down", retried.Status);
            Assert.Contains("Permission denied", retried.Error, StringComparison.Ordinal);

            // A one-shot reader (o4o status) has no earlier look to fall back on: it waits for the retry to fail again.
            File.Delete(errorFile);
            var rewritten = Task.Delay(TimeSpan.FromMilliseconds(700)).ContinueWith(_ => File.WriteAllText(errorFile, written), TaskScheduler.Default);
            var report = await WalArchivingReport.ReadAsync(fixture.Home, fixture.Cluster.ConnectionString("postgres"), new ArchivingOptions(), CancellationToken.None);
            await rewritten;
            Assert.Contains("Permission denied", report.PushError, StringComparison.Ordinal);
        }
        finally
        {
            SetDirectoryModes(archive, (UnixFileMode)0b111_101_000);
        }

        var next = await WriteAndSwitchAsync();
        await WaitForAsync(status => status.Waiting == 0 && string.CompareOrdinal(status.LastArchivedWal, next) >= 0);
    }

    private Task<ArchiverStatus> ReadAsync() => ArchiverStatus.ReadAsync(fixture.Cluster.ConnectionString("postgres"), CancellationToken.None);

    /// <summary>Writes a little and finishes the segment; returns the segment finished.</summary>
    private async Task<string> WriteAndSwitchAsync()
    {
        await fixture.ScalarAsync("CREATE TABLE IF NOT EXISTS lag_traffic (id int); INSERT INTO lag_traffic SELECT generate_series(1, 1000)");
        var segment = (string)(await fixture.ScalarAsync("SELECT pg_walfile_name(pg_current_wal_lsn())"))!;
        await fixture.ScalarAsync("SELECT pg_switch_wal()");
        return segment;
    }

    private async Task<ArchiverStatus> WaitForAsync(Func<ArchiverStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await ReadAsync();
            if (condition(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not reached within 60 s: {status}");
            await Task.Delay(200);
        }
    }

    private static void SetDirectoryModes(string root, UnixFileMode mode)
    {
        foreach (var directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root))
        {
            File.SetUnixFileMode(directory, mode);
        }
    }
}
