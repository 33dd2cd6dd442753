using System.Globalization;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Incidents;

public sealed class PostMortemTests : IDisposable
{
    private static readonly DateTimeOffset _start = new(2025, 1, 29, 14, 0, 0, TimeSpan.Zero);
    private readonly StateFile _state = new();
    private readonly IncidentStore _store;

    public PostMortemTests() => _store = new IncidentStore(_state.Path);

    [Fact]
    public async Task The_report_follows_the_runbook_template_with_the_recorded_timeline()
    {
        var (incident, timeline) = await RecordOutageAsync();

        var report = PostMortem.Render(incident, timeline, CultureInfo.GetCultureInfo("en"), _start.AddDays(1));

        Assert.Equal("""
            ## Incident report

            **Incident**: #1 platform: memory above 1 GiB
            **Date**: 2025-01-29 (UTC)
            **Outage**: 14:00:00 - 15:30:00 (1 h 30 min)
            **Impact**: API server performance down 50%

            ### Timeline
            - 14:00:00 - first alert received: platform: memory above 1 GiB
            - 14:00:00 - failure detected: memory above 1 GiB
            - 14:05:00 - note: investigation started (kim)
            - 14:30:00 - action: memory above 1 GiB — graceful restart
            - 15:30:00 - recovered: healthy — healthy after 2 s
            - 15:30:00 - resolved: every affected component recovered

            ### Root cause
            OOM (out of memory) caused by a memory leak

            ### Actions
            1. Memory-leak patch applied
            2. Memory monitoring threshold adjusted

            """.Replace("\r", "", StringComparison.Ordinal), report);
    }

    [Fact]
    public async Task The_Korean_report_has_the_original_runbooks_headings_and_the_same_timeline()
    {
        var (incident, timeline) = await RecordOutageAsync();

        var report = PostMortem.Render(incident, timeline, CultureInfo.GetCultureInfo("ko"), _start.AddDays(1));

        Assert.StartsWith("## 장애 보고서\n", report, StringComparison.Ordinal);
        Assert.Contains("**날짜**: 2025-01-29 (UTC)\n", report, StringComparison.Ordinal);
        Assert.Contains("**장애 시간**: 14:00:00 - 15:30:00 (1시간 30분)\n", report, StringComparison.Ordinal);
        Assert.Contains("**영향**: API server performance down 50%\n", report, StringComparison.Ordinal);
        Assert.Contains("### 타임라인\n- 14:00:00 - 첫 알림 수신: platform에서 장애 감지: memory above 1 GiB\n", report, StringComparison.Ordinal);
        Assert.Contains("- 14:30:00 - 조치: memory above 1 GiB — graceful restart\n", report, StringComparison.Ordinal);
        Assert.Contains("### 근본 원인\nOOM", report, StringComparison.Ordinal);
        Assert.Contains("### 조치 사항\n1. Memory-leak patch applied\n2. Memory monitoring threshold adjusted\n", report, StringComparison.Ordinal);
        Assert.Equal(timeline.Count, report.Split('\n').Count(line => line.StartsWith("- ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_Korean_report_titles_a_detected_failure_in_Korean_and_says_in_Korean_that_it_resolved()
    {
        var (incident, timeline) = await RecordOutageAsync(FailureType.ServerDown);

        var report = PostMortem.Render(incident, timeline, CultureInfo.GetCultureInfo("ko"), _start.AddDays(1));

        Assert.Contains("**장애**: #1 platform에서 서버 다운 감지: memory above 1 GiB\n", report, StringComparison.Ordinal);
        Assert.Contains("- 14:00:00 - 첫 알림 수신: platform에서 서버 다운 감지: memory above 1 GiB\n", report, StringComparison.Ordinal);
        Assert.Contains("- 15:30:00 - 해결: 영향받은 구성 요소가 모두 복구되었습니다\n", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Korean_report_gives_the_engines_own_timeline_lines_in_Korean_with_names_and_errors_as_written()
    {
        var journal = new IncidentJournal(_store, new IncidentOptions());
        await journal.RecordAsync(new RecoveryEvent(_start, "platform", RecoveryEventKind.Detected, "platform killed by signal 9 (SIGKILL)"), default);
        await _store.AcknowledgeAsync(1, "kim", _start.AddMinutes(2), default);
        await journal.RecordAsync(new RecoveryEvent(_start.AddMinutes(3), "platform", RecoveryEventKind.Recovered, "healthy"), default);
        await journal.RecordAsync(new RecoveryEvent(_start.AddMinutes(4), "platform", RecoveryEventKind.Detected, "platform killed by signal 9 (SIGKILL)"), default);
        await _store.AppendAsync(1, new TimelineEntry(_start.AddMinutes(5), "Escalated", "escalation", IncidentText.Written("Timeline.Paged",
            "L1", "DevOps engineer", "ops", DurationText.Format(TimeSpan.FromMinutes(15), CultureInfo.InvariantCulture)), "escalation"), default);

        var report = PostMortem.Render(await _store.GetAsync(1, default), await _store.TimelineAsync(1, default), CultureInfo.GetCultureInfo("ko"),
            _start.AddDays(1));

        Assert.Contains("- 14:02:00 - 확인: kim이(가) 확인했습니다 (kim)\n", report, StringComparison.Ordinal);
        Assert.Contains("- 14:04:00 - 재발, 장애 다시 열림: platform이(가) 해결 후 10분 안에 다시 실패했습니다\n", report, StringComparison.Ordinal);
        Assert.Contains("- 14:05:00 - 에스컬레이션: L1(DevOps engineer)에게 ops(으)로 호출했습니다. 15분 안에 응답해야 합니다\n", report, StringComparison.Ordinal);
        var english = PostMortem.Render(await _store.GetAsync(1, default), await _store.TimelineAsync(1, default), CultureInfo.InvariantCulture, _start.AddDays(1));
        Assert.Contains("- 14:02:00 - acknowledged: acknowledged by kim (kim)\n", english, StringComparison.Ordinal);
        Assert.Contains("- 14:05:00 - escalated: L1 (DevOps engineer) paged via ops; respond within 15 min\n", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_incident_without_edits_says_what_is_missing_and_how_to_fill_it()
    {
        var id = await _store.OpenAsync("Checkout slow", _start, "kim", null, null, default);

        var report = PostMortem.Render(await _store.GetAsync(id, default), await _store.TimelineAsync(id, default),
            CultureInfo.GetCultureInfo("en"), _start.AddMinutes(45));

        Assert.Contains("**Outage**: 14:00:00 - ongoing (45 min)\n", report, StringComparison.Ordinal);
        Assert.Contains("**Impact**: (not recorded yet: o4o incident edit 1 --impact)\n", report, StringComparison.Ordinal);
        Assert.Contains("### Actions\n(not recorded yet: o4o incident edit 1 --actions)\n", report, StringComparison.Ordinal);
    }

    public void Dispose() => _state.Dispose();

    private async Task<(Incident, IReadOnlyList<TimelineEntry>)> RecordOutageAsync(FailureType? type = null)
    {
        var journal = new IncidentJournal(_store, new IncidentOptions());
        await journal.RecordAsync(new RecoveryEvent(_start, "platform", RecoveryEventKind.Detected, "memory above 1 GiB", FailureType: type), default);
        await _store.AppendAsync(1, new TimelineEntry(_start.AddMinutes(5), "Note", "", "investigation started", "kim"), default);
        await journal.RecordAsync(new RecoveryEvent(_start.AddMinutes(30), "platform", RecoveryEventKind.Action, "memory above 1 GiB", "graceful restart"), default);
        await journal.RecordAsync(new RecoveryEvent(_start.AddMinutes(90), "platform", RecoveryEventKind.Recovered, "healthy", Outcome: "healthy after 2 s"), default);
        await _store.EditAsync(1, "API server performance down 50%", "OOM (out of memory) caused by a memory leak",
            "1. Memory-leak patch applied\n2. Memory monitoring threshold adjusted", default);
        return (await _store.GetAsync(1, default), await _store.TimelineAsync(1, default));
    }
}
