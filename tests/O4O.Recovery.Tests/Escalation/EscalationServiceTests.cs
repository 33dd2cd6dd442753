using Microsoft.Extensions.Configuration;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;

namespace O4O.Recovery.Tests.Escalation;

public sealed class EscalationServiceTests : IDisposable
{
    private readonly EscalationHarness _harness = new();

    [Fact]
    public async Task An_unrecovered_failure_escalates_through_all_four_levels_on_the_runbooks_times()
    {
        await _harness.FailAsync();

        var atOnce = await _harness.AtAsync(TimeSpan.Zero);
        var before15 = await _harness.AtAsync(TimeSpan.FromMinutes(14.9));
        var at15 = await _harness.AtAsync(TimeSpan.FromMinutes(15));
        var at30 = await _harness.AtAsync(TimeSpan.FromMinutes(30));
        var at60 = await _harness.AtAsync(TimeSpan.FromMinutes(60));

        Assert.Equal("L1", Assert.Single(atOnce).Level);
        Assert.Contains("respond within 15 min", atOnce[0].Text);
        Assert.DoesNotContain(before15, page => page.Level != "L1");
        Assert.Equal(("L2", "Development team lead", "page"), Single(at15));
        Assert.Equal(("L3", "CTO", "page"), Single(at30));
        Assert.Equal(("L4", "CEO", "page"), Single(at60));
        Assert.Contains("respond within 2 h", at60[0].Text);
        var timeline = await _harness.Store.TimelineAsync(1, default);
        Assert.Equal(4, timeline.Count(entry => entry.Kind == "Escalated"));
    }

    [Fact]
    public async Task A_recovery_phase_past_its_budget_pages_the_next_level_ahead_of_the_clock()
    {
        await _harness.FailAsync();
        await _harness.AtAsync(TimeSpan.Zero);
        var initialResponse = RunbookPhase.All[1];
        using var phaseEnded = new CancellationTokenSource();
        var watch = PhaseBudget.WatchAsync(_harness.Store, 1, initialResponse, "kim", _harness.Time, phaseEnded.Token);

        var before = await _harness.AtAsync(TimeSpan.FromMinutes(9.9));
        _harness.Time.SetUtcNow(EscalationHarness.Start + initialResponse.Budget);
        await watch;
        var overrun = await _harness.AtAsync(TimeSpan.FromMinutes(10.1));
        var at15 = await _harness.AtAsync(TimeSpan.FromMinutes(15));
        var at30 = await _harness.AtAsync(TimeSpan.FromMinutes(30));

        Assert.DoesNotContain(before, page => page.Level != "L1");
        Assert.Equal(("L2", "Development team lead", "overrun"), Single(overrun));
        Assert.Contains("overran its runbook budget", overrun[0].Text);
        Assert.DoesNotContain(at15, page => page.Level == "L2" && page.Kind != "repeat");
        Assert.Equal(("L3", "CTO", "page"), Single(at30));
        var timeline = await _harness.Store.TimelineAsync(1, default);
        Assert.Contains(timeline, entry => entry.Kind == PhaseOutcome.OverrunKind && entry.Text.StartsWith("phase 2 initial-response is past its budget", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_phase_that_ends_within_its_budget_escalates_nothing()
    {
        await _harness.FailAsync();
        await _harness.AtAsync(TimeSpan.Zero);
        using var phaseEnded = new CancellationTokenSource();
        var watch = PhaseBudget.WatchAsync(_harness.Store, 1, RunbookPhase.All[1], "kim", _harness.Time, phaseEnded.Token);

        _harness.Time.SetUtcNow(EscalationHarness.Start + TimeSpan.FromMinutes(3));
        await phaseEnded.CancelAsync();
        await watch;
        var later = await _harness.AtAsync(TimeSpan.FromMinutes(12));

        Assert.DoesNotContain(later, page => page.Level != "L1");
        Assert.DoesNotContain(await _harness.Store.TimelineAsync(1, default), entry => entry.Kind == PhaseOutcome.OverrunKind);
    }

    [Fact]
    public async Task Acknowledging_mutes_repeats_at_the_current_level_but_the_clock_keeps_running()
    {
        await _harness.FailAsync();
        await _harness.AtAsync(TimeSpan.Zero);
        var repeat = await _harness.AtAsync(TimeSpan.FromMinutes(5));
        await _harness.Store.AcknowledgeAsync(1, "kim", EscalationHarness.Start.AddMinutes(6), default);

        var afterAck = await _harness.AtAsync(TimeSpan.FromMinutes(11));
        var at15 = await _harness.AtAsync(TimeSpan.FromMinutes(15));
        var at20 = await _harness.AtAsync(TimeSpan.FromMinutes(20));

        Assert.Equal(("L1", "DevOps engineer", "repeat"), Single(repeat));
        Assert.Empty(afterAck);
        Assert.Equal(("L2", "Development team lead", "page"), Single(at15));
        Assert.Equal(("L2", "Development team lead", "repeat"), Single(at20));
        var timeline = await _harness.Store.TimelineAsync(1, default);
        Assert.Contains(timeline, entry => entry.Kind == "Acknowledged" && entry.Actor == "kim");
        Assert.Contains(timeline, entry => entry.Kind == "Muted" && entry.Text.Contains("L1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_acknowledgement_before_the_first_page_mutes_L1_repeats_but_not_L2()
    {
        await _harness.FailAsync();
        await _harness.Store.AcknowledgeAsync(1, "kim", EscalationHarness.Start, default);

        var atOnce = await _harness.AtAsync(TimeSpan.Zero);
        var at5 = await _harness.AtAsync(TimeSpan.FromMinutes(5));
        var at15 = await _harness.AtAsync(TimeSpan.FromMinutes(15));
        var at20 = await _harness.AtAsync(TimeSpan.FromMinutes(20));

        Assert.Equal(("L1", "DevOps engineer", "page"), Single(atOnce));
        Assert.Empty(at5);
        Assert.Equal(("L2", "Development team lead", "page"), Single(at15));
        Assert.Equal(("L2", "Development team lead", "repeat"), Single(at20));
    }

    [Fact]
    public async Task Recovery_tells_every_level_already_paged_that_it_is_resolved_with_the_duration()
    {
        await _harness.FailAsync();
        await _harness.AtAsync(TimeSpan.Zero);
        await _harness.AtAsync(TimeSpan.FromMinutes(15));
        _harness.Time.SetUtcNow(EscalationHarness.Start.AddMinutes(22));
        await _harness.RecoverAsync();

        var notices = await _harness.AtAsync(TimeSpan.FromMinutes(22));
        var later = await _harness.AtAsync(TimeSpan.FromHours(2));

        Assert.Equal(["L1", "L2"], notices.Select(notice => notice.Level));
        Assert.All(notices, notice => Assert.Equal("resolved", notice.Kind));
        Assert.All(notices, notice => Assert.Contains("after 22 min", notice.Subject));
        Assert.Empty(later);
    }

    [Fact]
    public async Task A_component_failing_again_after_resolved_was_announced_pages_the_same_levels_and_announces_the_next_resolution()
    {
        await _harness.FailAsync();
        await _harness.AtAsync(TimeSpan.Zero);
        _harness.Time.SetUtcNow(EscalationHarness.Start.AddMinutes(2));
        await _harness.RecoverAsync();
        await _harness.AtAsync(TimeSpan.FromMinutes(2));
        _harness.Time.SetUtcNow(EscalationHarness.Start.AddMinutes(4));
        await _harness.FailAsync();

        var reopened = await _harness.AtAsync(TimeSpan.FromMinutes(4));
        _harness.Time.SetUtcNow(EscalationHarness.Start.AddMinutes(6));
        await _harness.RecoverAsync();
        var resolvedAgain = await _harness.AtAsync(TimeSpan.FromMinutes(6));

        Assert.Equal(("L1", "DevOps engineer", "reopened"), Single(reopened));
        Assert.Equal(("L1", "DevOps engineer", "resolved"), Single(resolvedAgain));
        Assert.Contains("after 6 min", resolvedAgain[0].Subject, StringComparison.Ordinal);
        Assert.Single(await _harness.Store.ListAsync(default));
    }

    [Fact]
    public async Task A_restarted_escalation_service_pages_the_levels_that_came_due_meanwhile_once_together_and_never_twice()
    {
        await _harness.FailAsync();
        await _harness.AtAsync(TimeSpan.Zero);

        _harness.Restart();
        var resumed = await _harness.AtAsync(TimeSpan.FromMinutes(31));
        var at60 = await _harness.AtAsync(TimeSpan.FromMinutes(60));

        var summary = Assert.Single(resumed);
        Assert.Equal(("summary", "L2–L3"), (summary.Kind, summary.Level));
        Assert.Contains("L2 (Development team lead), due at 15 min: respond within 30 min", summary.Text, StringComparison.Ordinal);
        Assert.Contains("L3 (CTO), due at 30 min: respond within 1 h", summary.Text, StringComparison.Ordinal);
        Assert.Equal(("L4", "CEO", "page"), Single(at60));
    }

    [Fact]
    public async Task A_conductor_restarted_hours_into_an_incident_sends_one_summary_from_the_failures_start_not_a_burst_of_pages()
    {
        await _harness.FailAsync();
        await _harness.AtAsync(TimeSpan.Zero);

        _harness.Restart();
        var resumed = await _harness.AtAsync(TimeSpan.FromHours(2));

        var summary = Assert.Single(resumed);
        Assert.Equal("L2–L4", summary.Level);
        Assert.Equal(TimeSpan.FromHours(2).TotalSeconds, summary.DurationSeconds);
        Assert.Contains("open for 2 h", summary.Subject, StringComparison.Ordinal);
        Assert.Contains("Failure began 2026-11-26 14:00:00 UTC (2 h ago)", summary.Text, StringComparison.Ordinal);
        var escalated = (await _harness.Store.TimelineAsync(1, default)).Where(entry => entry.Kind == "Escalated").ToList();
        Assert.Equal(2, escalated.Count);
        Assert.StartsWith("L2 (Development team lead), L3 (CTO), L4 (CEO) came due while escalation was not running", escalated[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_that_waited_in_the_outbox_says_when_it_was_raised_and_how_long_it_was_queued()
    {
        await _harness.FailAsync();
        await _harness.Service.TickAsync(default);

        _harness.Time.Advance(TimeSpan.FromMinutes(7));
        await _harness.Outbox.DeliverDueAsync("ops", default);

        var page = Assert.Single(_harness.Ops.Received);
        Assert.EndsWith("(raised 2026-11-26 14:00:00 UTC, queued for 7 min)", page.Subject, StringComparison.Ordinal);
        Assert.StartsWith("Raised at 2026-11-26 14:00:00 UTC and queued for 7 min", page.Text, StringComparison.Ordinal);
        Assert.Equal((EscalationHarness.Start, 420.0), (page.RaisedAt, page.QueuedSeconds));
        Assert.Contains(await _harness.Store.TimelineAsync(1, default), entry => entry.Text == "L1 page delivered via ops, queued for 7 min");
    }

    [Fact]
    public async Task A_page_delivered_at_once_is_not_marked_as_queued()
    {
        await _harness.FailAsync();

        var page = Assert.Single(await _harness.AtAsync(TimeSpan.FromSeconds(2)));

        Assert.Null(page.RaisedAt);
        Assert.DoesNotContain("queued", page.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_running_service_pages_on_the_fake_clock_in_milliseconds()
    {
        await _harness.FailAsync();
        using var stop = new CancellationTokenSource();
        var running = _harness.Service.RunAsync(stop.Token);

        for (var minute = 0; minute <= 15 && !_harness.Ops.Received.Any(page => page.Level == "L2"); minute++)
        {
            _harness.Time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20);
            await _harness.Outbox.DeliverDueAsync("ops", default);
        }

        await stop.CancelAsync();
        await running;
        Assert.Contains(_harness.Ops.Received, page => page.Level == "L2");
    }

    [Fact]
    public void An_environment_variable_changes_one_field_of_one_level_and_keeps_the_rest()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Escalation:Levels:1:NotifyAfter"] = "00:00:03" })
            .Build();
        Environment.SetEnvironmentVariable("O4O__Escalation__Levels__2__Owner", "Chief technology officer");
        try
        {
            var options = EscalationOptions.From(new ConfigurationBuilder().AddConfiguration(configuration).AddEnvironmentVariables(O4OConfiguration.EnvironmentPrefix).Build());

            Assert.Equal(["L1", "L2", "L3", "L4"], options.Levels.Select(level => level.Name));
            Assert.Equal(TimeSpan.FromSeconds(3), options.Levels[1].NotifyAfter);
            Assert.Equal("Chief technology officer", options.Levels[2].Owner);
            Assert.Equal(TimeSpan.FromHours(1), options.Levels[3].NotifyAfter);
            Assert.Equal(["ops"], options.Levels[3].Channels);
        }
        finally
        {
            Environment.SetEnvironmentVariable("O4O__Escalation__Levels__2__Owner", null);
        }
    }

    public void Dispose() => _harness.Dispose();

    private static (string, string, string) Single(IReadOnlyList<O4O.Recovery.Notifications.Notification> pages)
    {
        var page = Assert.Single(pages);
        return (page.Level, page.Owner, page.Kind);
    }
}
