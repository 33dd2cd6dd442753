using System.Globalization;

namespace O4O.Recovery.Incidents;

/// <summary>The words of the runbook's post-mortem template, in English and in the Korean original.</summary>
internal sealed record PostMortemText(
    string Heading,
    string Incident,
    string Date,
    string Outage,
    string Ongoing,
    string Impact,
    string Timeline,
    string RootCause,
    string Actions,
    string NotRecorded,
    IReadOnlyDictionary<string, string> Kinds)
{
    /// <summary>Korean when <paramref name="culture"/>'s language is "ko", else English.</summary>
    public static PostMortemText For(CultureInfo culture) => culture.TwoLetterISOLanguageName == "ko" ? Korean : English;

    public static PostMortemText English { get; } = new("Incident report", "Incident", "Date", "Outage", "ongoing", "Impact", "Timeline",
        "Root cause", "Actions", "(not recorded yet: o4o incident edit {0} {1})",
        new Dictionary<string, string>
        {
            ["Opened"] = "first alert received",
            ["Detected"] = "failure detected",
            ["Action"] = "action",
            ["Recovered"] = "recovered",
            ["GaveUp"] = "automatic recovery gave up",
            ["Switch"] = "setting changed",
            ["Note"] = "note",
            ["Acknowledged"] = "acknowledged",
            ["Resolved"] = "resolved",
            ["Reopened"] = "failed again, incident reopened",
            ["Escalated"] = "escalated",
            ["Repeated"] = "paged again",
            ["Muted"] = "repeats muted",
            ["Notified"] = "notification delivered",
            ["NotifyFailed"] = "notification failed",
            ["ResolvedNotice"] = "resolution announced",
            ["Phase"] = "recovery phase",
            ["PhaseOverrun"] = "recovery phase over its budget",
        });

    public static PostMortemText Korean { get; } = new("장애 보고서", "장애", "날짜", "장애 시간", "진행 중", "영향", "타임라인",
        "근본 원인", "조치 사항", "(아직 기록되지 않음: o4o incident edit {0} {1})",
        new Dictionary<string, string>
        {
            ["Opened"] = "첫 알림 수신",
            ["Detected"] = "장애 감지",
            ["Action"] = "조치",
            ["Recovered"] = "복구 확인",
            ["GaveUp"] = "자동 복구 중단",
            ["Switch"] = "설정 변경",
            ["Note"] = "메모",
            ["Acknowledged"] = "확인",
            ["Resolved"] = "해결",
            ["Reopened"] = "재발, 장애 다시 열림",
            ["Escalated"] = "에스컬레이션",
            ["Repeated"] = "재호출",
            ["Muted"] = "반복 알림 중지",
            ["Notified"] = "알림 전달",
            ["NotifyFailed"] = "알림 실패",
            ["ResolvedNotice"] = "해결 통보",
            ["Phase"] = "복구 단계",
            ["PhaseOverrun"] = "복구 단계 예산 초과",
        });
}
