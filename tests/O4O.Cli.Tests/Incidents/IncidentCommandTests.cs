using System.Text.Json;
using O4O.Cli.Tests.Commands;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Tests.Incidents;

[Collection(LocalisedOutput.Collection)]
public sealed class IncidentCommandTests
{
    [Fact]
    public async Task An_incident_opened_by_hand_collects_notes_edits_acknowledgement_and_resolution()
    {
        using var cli = new CliRun();

        var opened = await cli.RunAsync("incident", "open", "Checkout pages are slow", "--by", "kim");
        var id = opened.Out.Trim();
        Assert.Equal(0, (await cli.RunAsync("incident", "note", id, "investigation started", "--by", "kim")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("incident", "edit", id, "--impact", "API 50% slower", "--root-cause", "memory leak",
            "--actions", "1. patch\n2. alert on memory")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("incident", "ack", id, "--by", "lee")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("incident", "resolve", id, "--by", "lee")).ExitCode);
        var shown = await cli.RunAsync("incident", "show", id, "--json");

        Assert.Equal("1", id);
        using var json = JsonDocument.Parse(shown.Out);
        var root = json.RootElement;
        Assert.Equal("Checkout pages are slow", root.GetProperty("title").GetString());
        Assert.Equal("resolved", root.GetProperty("status").GetString());
        Assert.Equal("API 50% slower", root.GetProperty("impact").GetString());
        Assert.Equal("memory leak", root.GetProperty("rootCause").GetString());
        Assert.Equal("lee", root.GetProperty("acknowledgedBy").GetString());
        var timeline = root.GetProperty("timeline").EnumerateArray().Select(entry => entry.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["Opened", "Note", "Acknowledged", "Resolved"], timeline);
    }

    [Fact]
    public async Task Show_describes_each_timeline_entry_in_words_in_english_and_korean_never_by_an_enum_name()
    {
        using var cli = new CliRun();
        var journal = new IncidentJournal(new IncidentStore(cli.Home.StateDatabase), new IncidentOptions());
        await journal.RecordAsync(new RecoveryEvent(DateTimeOffset.UtcNow, "platform", RecoveryEventKind.GaveUp, "5 restarts within 1 min"), default);

        var english = await cli.RunAsync("incident", "show", "1");
        var korean = await cli.RunAsync("incident", "show", "1", "--lang", "ko");
        await cli.RunAsync("incident", "list", "--lang", "en");

        Assert.Contains("automatic recovery gave up", english.Out, StringComparison.Ordinal);
        Assert.Contains("자동 복구 중단", korean.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("GaveUp", english.Out + korean.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_of_an_unknown_incident_is_one_line_and_exit_code_1()
    {
        using var cli = new CliRun();

        var result = await cli.RunAsync("incident", "show", "42");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("o4o: There is no incident 42 (o4o incident list shows them).", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Edit_without_a_field_is_a_usage_error()
    {
        using var cli = new CliRun();
        await cli.RunAsync("incident", "open", "Disk full");

        var result = await cli.RunAsync("incident", "edit", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--impact", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task List_shows_open_incidents_in_Korean_with_lang_ko()
    {
        using var cli = new CliRun();
        await cli.RunAsync("incident", "open", "디스크 가득 참");

        var result = await cli.RunAsync("incident", "list", "--lang", "ko");
        await cli.RunAsync("incident", "list", "--lang", "en");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("진행 중", result.Out);
        Assert.Contains("디스크 가득 참", result.Out);
    }

    [Fact]
    public async Task List_and_show_give_a_detected_failure_a_Korean_title_with_the_engines_evidence_after_it()
    {
        using var cli = new CliRun();
        var journal = new IncidentJournal(new IncidentStore(cli.Home.StateDatabase), new IncidentOptions());
        await journal.RecordAsync(new RecoveryEvent(DateTimeOffset.UtcNow, "platform", RecoveryEventKind.Detected, "platform killed by signal 9 (SIGKILL)",
            FailureType: FailureType.ServerDown), default);

        var list = await cli.RunAsync("incident", "list", "--lang", "ko");
        var show = await cli.RunAsync("incident", "show", "1", "--lang", "ko");
        var json = await cli.RunAsync("incident", "show", "1", "--json", "--lang", "ko");
        var english = await cli.RunAsync("incident", "list", "--lang", "en");

        Assert.Contains("platform에서 서버 다운 감지: platform killed by signal 9 (SIGKILL)", list.Out, StringComparison.Ordinal);
        Assert.StartsWith("#1 platform에서 서버 다운 감지: platform killed by signal 9 (SIGKILL)", show.Out, StringComparison.Ordinal);
        Assert.Equal(2, show.Out.Split("platform에서 서버 다운 감지: platform killed by signal 9 (SIGKILL)").Length - 1);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal("platform: platform killed by signal 9 (SIGKILL)", document.RootElement.GetProperty("title").GetString());
        Assert.Contains("platform: platform killed by signal 9 (SIGKILL)", english.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_with_out_writes_the_Korean_post_mortem_to_the_file()
    {
        using var cli = new CliRun();
        await cli.RunAsync("incident", "open", "결제 페이지 느림");
        await cli.RunAsync("incident", "edit", "1", "--root-cause", "메모리 누수");
        var file = Path.Combine(cli.Root, "report.md");

        var result = await cli.RunAsync("incident", "report", "1", "--lang", "ko", "--out", file);
        await cli.RunAsync("incident", "list", "--lang", "en");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Out);
        var report = await File.ReadAllTextAsync(file);
        Assert.StartsWith("## 장애 보고서\n\n**장애**: #1 결제 페이지 느림\n", report, StringComparison.Ordinal);
        Assert.Contains("### 근본 원인\n메모리 누수\n", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_into_a_missing_directory_is_one_line_and_writes_nothing()
    {
        using var cli = new CliRun();
        await cli.RunAsync("incident", "open", "Disk full");

        var result = await cli.RunAsync("incident", "report", "1", "--out", Path.Combine(cli.Root, "nowhere", "report.md"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }
}
