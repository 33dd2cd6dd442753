using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Incidents;

public sealed class IncidentJournalTests : IDisposable
{
    private static readonly DateTimeOffset _start = new(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);
    private readonly StateFile _state = new();
    private readonly IncidentStore _store;
    private readonly IncidentJournal _journal;

    public IncidentJournalTests()
    {
        _store = new IncidentStore(_state.Path);
        _journal = new IncidentJournal(_store, new IncidentOptions { QuietWindow = TimeSpan.FromMinutes(10) });
    }

    [Fact]
    public async Task The_first_confirmed_failure_opens_an_incident_whose_first_alert_is_the_detection_time()
    {
        await RecordAsync(0, "platform", RecoveryEventKind.Detected, "exit code 137", type: FailureType.ServerDown);

        var incident = Assert.Single(await _store.ListAsync(default));
        Assert.True(incident.IsOpen);
        Assert.Equal(_start, incident.FirstAlertAt);
        Assert.Equal(FailureType.ServerDown, incident.FailureType);
        Assert.Equal(["platform"], incident.Components);
        Assert.Contains(await _store.TimelineAsync(incident.Id, default), entry => entry.Kind == "Detected" && entry.Text == "exit code 137");
    }

    [Fact]
    public async Task Recovery_of_the_component_resolves_the_incident_and_keeps_its_duration()
    {
        await RecordAsync(0, "platform", RecoveryEventKind.Detected, "exit code 137");
        await RecordAsync(1, "platform", RecoveryEventKind.Action, "exit code 137", done: "restarted after 100 ms back-off");
        await RecordAsync(90, "platform", RecoveryEventKind.Recovered, "healthy", outcome: "healthy after 1.4 s");

        var incident = Assert.Single(await _store.ListAsync(default));
        Assert.False(incident.IsOpen);
        Assert.Equal(TimeSpan.FromSeconds(90), incident.Duration(_start.AddDays(1)));
        var timeline = await _store.TimelineAsync(incident.Id, default);
        Assert.Equal(["Opened", "Detected", "Action", "Recovered", "Resolved"], timeline.Select(entry => entry.Kind));
        Assert.Equal("exit code 137 — restarted after 100 ms back-off", timeline[2].Text);
    }

    [Fact]
    public async Task A_flapping_component_stays_one_incident_with_every_failure_on_its_timeline()
    {
        for (var i = 0; i < 5; i++)
        {
            await RecordAsync(i * 60, "platform", RecoveryEventKind.Detected, "probe timed out");
            await RecordAsync(i * 60 + 2, "platform", RecoveryEventKind.Detected, "probe timed out again");
            await RecordAsync(i * 60 + 30, "platform", RecoveryEventKind.Recovered, "healthy");
        }

        var incident = Assert.Single(await _store.ListAsync(default));
        Assert.Equal(_start, incident.FirstAlertAt);
        Assert.Equal(_start.AddSeconds(4 * 60 + 30), incident.ResolvedAt);
        var timeline = await _store.TimelineAsync(incident.Id, default);
        Assert.Equal(10, timeline.Count(entry => entry.Kind == "Detected"));
        Assert.Equal(4, timeline.Count(entry => entry.Kind == "Reopened"));
    }

    [Fact]
    public async Task A_failure_after_the_quiet_window_opens_a_new_incident()
    {
        await RecordAsync(0, "platform", RecoveryEventKind.Detected, "exit code 1");
        await RecordAsync(10, "platform", RecoveryEventKind.Recovered, "healthy");
        await RecordAsync(10 + 11 * 60, "platform", RecoveryEventKind.Detected, "exit code 1");

        var incidents = await _store.ListAsync(default);
        Assert.Equal(2, incidents.Count);
        Assert.True(incidents[0].IsOpen);
        Assert.False(incidents[1].IsOpen);
    }

    [Fact]
    public async Task A_second_component_failing_joins_the_open_incident_which_resolves_only_when_both_recovered()
    {
        await RecordAsync(0, "database", RecoveryEventKind.Detected, "postmaster exited", type: FailureType.ServerDown);
        await RecordAsync(3, "platform", RecoveryEventKind.Detected, "readiness failed");
        await RecordAsync(20, "database", RecoveryEventKind.Recovered, "SELECT 1 answered");

        var incident = Assert.Single(await _store.ListAsync(default));
        Assert.Equal(["database", "platform"], incident.Components);
        Assert.True(incident.IsOpen);

        await RecordAsync(25, "platform", RecoveryEventKind.Recovered, "healthy");
        Assert.False((await _store.GetAsync(incident.Id, default)).IsOpen);
    }

    [Fact]
    public async Task A_failure_while_only_an_incident_opened_by_a_person_is_open_opens_its_own_incident()
    {
        var id = await _store.OpenAsync("Checkout slow", _start, "kim", null, null, default);

        await RecordAsync(60, "platform", RecoveryEventKind.Detected, "exit code 137");
        await RecordAsync(90, "platform", RecoveryEventKind.Recovered, "healthy");

        var incidents = await _store.ListAsync(default);
        Assert.Equal(2, incidents.Count);
        Assert.Equal(["platform"], incidents[0].Components);
        Assert.False(incidents[0].IsOpen);
        Assert.True((await _store.GetAsync(id, default)).IsOpen);
        Assert.Equal(["Opened"], (await _store.TimelineAsync(id, default)).Select(entry => entry.Kind));
    }

    [Fact]
    public async Task A_component_failing_again_within_the_quiet_window_reopens_its_own_incident_rather_than_joining_another_outage()
    {
        await RecordAsync(0, "platform", RecoveryEventKind.Detected, "exit code 1");
        await RecordAsync(10, "platform", RecoveryEventKind.Recovered, "healthy");
        await RecordAsync(20, "database", RecoveryEventKind.Detected, "checksum failure", type: FailureType.DatabaseDamage);
        await RecordAsync(30, "platform", RecoveryEventKind.Detected, "exit code 1");

        var incidents = await _store.ListAsync(default);
        Assert.Equal(2, incidents.Count);
        Assert.Equal(["platform"], incidents[1].Components);
        Assert.True(incidents[1].IsOpen);
        Assert.Contains(await _store.TimelineAsync(incidents[1].Id, default), entry => entry.Kind == "Reopened");
        Assert.Equal(["database"], incidents[0].Components);
    }

    [Fact]
    public async Task An_incident_resolved_by_a_person_and_reopened_resolves_again_when_its_component_recovers_and_takes_no_later_failure()
    {
        await RecordAsync(0, "database", RecoveryEventKind.Detected, "relation \"orders\" does not exist", type: FailureType.DataLoss);
        await RecordAsync(1, "platform", RecoveryEventKind.Detected, "readiness failed");
        await _store.ResolveAsync(1, _start.AddSeconds(60), "kim", "restored by hand", default);

        await RecordAsync(120, "platform", RecoveryEventKind.Detected, "exit code 137");
        await RecordAsync(150, "platform", RecoveryEventKind.Recovered, "healthy");
        await RecordAsync(3 * 3600, "nginx", RecoveryEventKind.Detected, "nginx exited with code 1");

        var incidents = await _store.ListAsync(default);
        Assert.Equal(2, incidents.Count);
        Assert.Equal(_start.AddSeconds(150), incidents[1].ResolvedAt);
        Assert.Equal(["nginx"], incidents[0].Components);
    }

    [Fact]
    public async Task Unrelated_failures_hours_apart_after_an_open_recover_incident_each_open_their_own_incident()
    {
        var recover = await _store.OpenAsync("o4o recover: platform down", _start, "kim", null, FailureType.ServerDown, default);

        await RecordAsync(60, "database", RecoveryEventKind.Detected, "relation \"orders\" does not exist", type: FailureType.DataLoss);
        await RecordAsync(90, "database", RecoveryEventKind.Recovered, "restored and verified");
        await RecordAsync(3600, "database", RecoveryEventKind.Detected, "page verification failed", type: FailureType.DatabaseDamage);
        await RecordAsync(3660, "database", RecoveryEventKind.Recovered, "restored and verified");
        await RecordAsync(7200, "platform", RecoveryEventKind.GaveUp, "5 restarts within 1 min");
        await RecordAsync(10800, "nginx", RecoveryEventKind.Detected, "nginx exited with code 1");

        var incidents = await _store.ListAsync(default);
        Assert.Equal(5, incidents.Count);
        Assert.Equal(["Opened"], (await _store.TimelineAsync(recover, default)).Select(entry => entry.Kind));
        Assert.Equal([["nginx"], ["platform"], ["database"], ["database"]], incidents.Take(4).Select(incident => incident.Components));
    }

    [Fact]
    public async Task Switches_and_actions_without_an_open_incident_open_nothing()
    {
        await RecordAsync(0, "conductor", RecoveryEventKind.Switch, "AutoRecovery off", actor: "kim");
        await RecordAsync(1, "platform", RecoveryEventKind.Recovered, "healthy");

        Assert.Empty(await _store.ListAsync(default));
    }

    [Fact]
    public async Task A_state_database_that_cannot_be_written_does_not_stop_recovery()
    {
        var journal = new IncidentJournal(new IncidentStore("/proc/o4o-no-such-dir/state.db"), new IncidentOptions());

        await journal.RecordAsync(new RecoveryEvent(_start, "platform", RecoveryEventKind.Detected, "exit code 1"), default);
    }

    public void Dispose() => _state.Dispose();

    private Task RecordAsync(int seconds, string component, RecoveryEventKind kind, string seen, string done = "", string outcome = "",
        FailureType? type = null, string actor = "auto-recovery") =>
        _journal.RecordAsync(new RecoveryEvent(_start.AddSeconds(seconds), component, kind, seen, done, outcome, type, actor), default);
}
