using O4O.Recovery.Monitoring;
using O4O.Recovery.Offsite;
using O4O.Recovery.PointInTime;

namespace O4O.Recovery.Tests.Monitoring;

public sealed class OffsiteLagReportTests
{
    private static readonly DateTimeOffset _now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WAL_not_off_site_for_longer_than_the_threshold_fails_the_check_with_the_shipping_error()
    {
        var wal = new OffsiteWalState("000000010000000000000004", 3, _now.AddMinutes(-20), "[049] unable to connect to 'localhost:9000'");

        var check = new OffsiteLagReport(new OffsiteLagInfo(0, null, null), wal, TimeSpan.FromMinutes(15), _now).Check();

        Assert.Equal(new BackupCheck(OffsiteLagReport.Component, true,
            "off-site copies trail by 20 min; the limit is 15 min: every archive off-site; 3 WAL file(s) not off-site ([049] unable to connect to 'localhost:9000')"), check);
    }

    [Fact]
    public void The_oldest_archive_not_uploaded_counts_when_it_is_older_than_the_waiting_WAL()
    {
        var wal = new OffsiteWalState("000000010000000000000004", 0, null, null);

        var report = new OffsiteLagReport(new OffsiteLagInfo(2, "o4o_backup_20261206_111500.tar.gz", TimeSpan.FromMinutes(45)), wal, TimeSpan.FromMinutes(15), _now);

        Assert.Equal(TimeSpan.FromMinutes(45), report.Lag);
        Assert.True(report.Check().Failing);
        Assert.EndsWith("2 archive(s) not off-site, the oldest o4o_backup_20261206_111500.tar.gz; WAL off-site through 000000010000000000000004", report.Check().Evidence,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Copies_within_the_threshold_pass()
    {
        var report = new OffsiteLagReport(new OffsiteLagInfo(1, "o4o_backup_20261206_115900.tar.gz", TimeSpan.FromMinutes(1)),
            new OffsiteWalState(null, 1, _now.AddSeconds(-30), null), TimeSpan.FromMinutes(15), _now);

        Assert.False(report.Check().Failing);
    }
}
