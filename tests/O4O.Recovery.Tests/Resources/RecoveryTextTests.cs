using System.Globalization;
using O4O.Recovery.Dashboard;
using O4O.Recovery.Incidents;
using O4O.Recovery.Resources;

namespace O4O.Recovery.Tests.Resources;

public sealed class RecoveryTextTests
{
    private static readonly CultureInfo _korean = CultureInfo.GetCultureInfo("ko");

    // Names, a product and figures read the same in both languages.
    private static readonly HashSet<string> _sameInBoth = new(StringComparer.Ordinal) { "Dashboard.api", "Dashboard.nginx" };

    [Fact]
    public void Every_recovery_text_has_a_korean_translation()
    {
        var english = RecoveryText.WithPrefix("", CultureInfo.InvariantCulture);
        var korean = RecoveryText.WithPrefix("", _korean);

        Assert.NotEmpty(english);
        Assert.Empty(english.Where(pair => !_sameInBoth.Contains(pair.Key) && korean[pair.Key] == pair.Value).Select(pair => pair.Key).Order());
    }

    [Fact]
    public void The_dashboard_the_post_mortem_and_durations_read_the_same_resources()
    {
        Assert.Equal("자동 복구 중단", DashboardText.For("ko")["kind.GaveUp"]);
        Assert.Equal(DashboardText.For("ko")["kind.GaveUp"], TimelineKinds.Describe("GaveUp", _korean));
        Assert.Equal("automatic recovery gave up", DashboardText.For("en")["kind.GaveUp"]);
        Assert.Equal("1시간 30분", DurationText.Format(TimeSpan.FromMinutes(90), _korean));
        Assert.Equal("1 h 30 min", DurationText.Format(TimeSpan.FromMinutes(90), CultureInfo.InvariantCulture));
        Assert.Equal("O4O monitoring", DashboardText.For(null)["title"]);
        Assert.Equal("예약 백업", DashboardText.For("ko")["scheduled backups"]);
        Assert.Equal("scheduled backups", DashboardText.For(null)["scheduled backups"]);
    }

    [Fact]
    public void The_backups_card_and_an_archive_row_say_a_failed_verification_each_in_their_own_words()
    {
        // Resource names are unique regardless of case: two that differ only in case leave one of them unread.
        Assert.Equal("verification failed", DashboardText.For("en")["verifyFailed"]);
        Assert.Equal("Newest archive failed verification", DashboardText.For("en")["NewestFailedVerification"]);
        Assert.Equal("최신 아카이브 검증 실패", DashboardText.For("ko")["NewestFailedVerification"]);
    }
}
