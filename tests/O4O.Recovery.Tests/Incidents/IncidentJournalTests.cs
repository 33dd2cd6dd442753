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
    public async Task A_failure_during_an_incident_opened_by_a_person_joins_it_and_its_recovery_does_not_resolve_it()
    {
        var id = await _store.OpenAsync("Checkout slow", _start, "kim", null, null, default);

        await RecordAsync(60, "platform", RecoveryEventKind.Detected, "exit code 137");
        await RecordAsync(90, "platform", RecoveryEventKind.Recovered, "healthy");

        var incident = Assert.Single(await _store.ListAsync(default));
        Assert.Equal(id, incident.Id);
        Assert.True(incident.IsOpen);
        Assert.Equal(["platform"], incident.Components);
        Assert.Equal(["Opened", "Detected", "Recovered"], (await _store.TimelineAsync(id, default)).Select(entry => entry.Kind));
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
