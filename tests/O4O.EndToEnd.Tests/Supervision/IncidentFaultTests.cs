using O4O.Recovery.Control;
using O4O.Recovery.Incidents;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Supervision;

public sealed class IncidentFaultTests
{
    [Fact]
    public async Task A_killed_platform_opens_an_incident_shown_over_the_control_API_that_resolves_when_it_is_back()
    {
        await using var up = await SupervisedUp.StartAsync();
        using var control = await ControlAsync(up);
        // Off first, so that the open incident can be read before a restart resolves it.
        await control.SetAutoRecoveryAsync(enabled: false, "e2e-operator");
        Assert.True(UnixProcess.Signal(up.PlatformPid, UnixProcess.SigKill));
        await up.WaitForEventsAsync("platform", events => events.Any(e => e.Kind == RecoveryEventKind.Detected), TimeSpan.FromSeconds(10));

        var open = Assert.Single(await WaitForOpenIncidentsAsync(control, 1, TimeSpan.FromSeconds(10)));
        Assert.Contains("platform", open.Incident.Components);
        Assert.StartsWith("L1", open.Level);
        Assert.StartsWith("L2", open.NextLevel);
        Assert.Equal(open.Incident.FirstAlertAt + TimeSpan.FromMinutes(15), open.NextEscalationAt);
        var acknowledged = await control.AcknowledgeAsync(open.Incident.Id, "e2e-operator");
        Assert.Equal("e2e-operator", acknowledged.Incident.AcknowledgedBy);
        var noted = await control.NoteAsync(open.Incident.Id, "looking at the platform log", "e2e-operator");
        Assert.Contains(noted.Timeline, entry => entry.Kind == "Note" && entry.Text == "looking at the platform log" && entry.Actor == "e2e-operator");

        await control.SetAutoRecoveryAsync(enabled: true, "e2e-operator");
        await up.WaitForEventsAsync("platform", events => events.Any(e => e.Kind == RecoveryEventKind.Recovered), TimeSpan.FromSeconds(30));
        await WaitForOpenIncidentsAsync(control, 0, TimeSpan.FromSeconds(10));
        var resolved = await new IncidentStore(up.Home.StateDatabase).GetAsync(open.Incident.Id, CancellationToken.None);
        Assert.NotNull(resolved.ResolvedAt);
        var timeline = await new IncidentStore(up.Home.StateDatabase).TimelineAsync(open.Incident.Id, CancellationToken.None);
        Assert.Contains(timeline, entry => entry.Kind == "Resolved");
    }

    [Fact]
    public async Task Recover_restarts_a_platform_held_down_by_AutoRecovery_off_through_the_conductor_and_puts_it_on_the_incident()
    {
        await using var up = await SupervisedUp.StartAsync();
        using var control = await ControlAsync(up);
        await control.SetAutoRecoveryAsync(enabled: false, "e2e-operator");
        Assert.True(UnixProcess.Signal(up.PlatformPid, UnixProcess.SigKill));
        await up.WaitForEventsAsync("platform", events => events.Any(e => e.Done == "not restarted: AutoRecovery is off"), TimeSpan.FromSeconds(10));

        var recover = await up.CliAsync("recover");

        Assert.Contains("2. initial-response  DONE", recover.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("restarted platform through the conductor", recover.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("5. monitoring        DONE", recover.StandardOutput, StringComparison.Ordinal);
        Assert.True((await control.StatusAsync()).AutoRecovery.Enabled, "phase 5 left AutoRecovery off");
        await up.Up.WaitForOkAsync(up.Client, "/api/health", TimeSpan.FromSeconds(5));
        var platform = await up.EventsAsync("platform");
        Assert.Contains(platform, e => e.Kind == RecoveryEventKind.Action && e.Done.StartsWith("restarted at the request of", StringComparison.Ordinal));
        var incident = Assert.Single(await new IncidentStore(up.Home.StateDatabase).ListAsync(CancellationToken.None));
        var timeline = await new IncidentStore(up.Home.StateDatabase).TimelineAsync(incident.Id, CancellationToken.None);
        Assert.Contains(timeline, entry => entry.Text.Contains("phase 2 initial-response: DONE", StringComparison.Ordinal));
    }

    /// <summary>
    /// The open incidents, once there are <paramref name="count"/>: the incident engine reads a detection or a recovery
    /// from the journal a moment after the supervisor's event log has it.
    /// </summary>
    private static async Task<IReadOnlyList<IncidentView>> WaitForOpenIncidentsAsync(ControlClient control, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var open = await control.IncidentsAsync();
            if (open.Count == count)
            {
                return open;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{open.Count} incident(s) open {timeout} after the event, not {count}");
            await Task.Delay(100);
        }
    }

    /// <summary>The control client, once the conductor's socket answers (a moment after the platform does).</summary>
    private static async Task<ControlClient> ControlAsync(SupervisedUp up)
    {
        var control = up.Control();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                await control.StatusAsync();
                return control;
            }
            catch (ConductorUnreachableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
