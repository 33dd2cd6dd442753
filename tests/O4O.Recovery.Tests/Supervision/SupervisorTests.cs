using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Supervision;

public sealed class SupervisorTests
{
    [Fact]
    public async Task A_killed_process_is_detected_restarted_and_recorded_as_recovered()
    {
        await using var harness = await SupervisorHarness.StartAsync("exec sleep 60");
        Assert.True(await harness.RunAsync());
        var first = harness.Child.ProcessId!.Value;

        UnixProcess.Signal(first, UnixProcess.SigKill);
        var events = await harness.WaitForAsync(e => e.Any(x => x.Kind == RecoveryEventKind.Recovered));

        Assert.Equal([RecoveryEventKind.Detected, RecoveryEventKind.Action, RecoveryEventKind.Recovered], events.Select(e => e.Kind));
        Assert.Equal("worker killed by signal 9 (SIGKILL)", events[0].Seen);
        Assert.Equal(FailureType.ServerDown, events[0].FailureType);
        Assert.StartsWith("restarted after", events[1].Done);
        Assert.NotEqual(first, harness.Child.ProcessId);
        Assert.Equal((ComponentState.Running, 1), (harness.Supervisor.Snapshot.State, harness.Supervisor.Snapshot.Restarts));
    }

    [Fact]
    public async Task A_stopped_process_fails_three_probes_and_is_killed_and_replaced()
    {
        await using var harness = await SupervisorHarness.StartAsync("exec sleep 60");
        await harness.RunAsync();
        var hung = harness.Child.ProcessId!.Value;

        UnixProcess.Signal(hung, 19); // SIGSTOP: SIGTERM would never be delivered
        var events = await harness.WaitForAsync(e => e.Any(x => x.Kind == RecoveryEventKind.Action));

        Assert.StartsWith("3 consecutive probes failed", events.First(e => e.Kind == RecoveryEventKind.Detected).Seen);
        Assert.False(UnixProcess.IsAlive(hung));
    }

    [Fact]
    public async Task A_process_that_keeps_failing_is_given_up_on_record_and_a_persons_restart_resumes_it()
    {
        await using var harness = await SupervisorHarness.StartAsync("sleep 0.2; exit 3");
        await harness.RunAsync();

        var events = await harness.WaitForAsync(e => e.Any(x => x.Kind == RecoveryEventKind.GaveUp));
        await Task.Delay(500);
        var starts = harness.Child.Starts;
        await Task.Delay(500);

        Assert.Equal(starts, harness.Child.Starts);
        Assert.Equal(6, starts);
        Assert.Equal(ComponentState.GaveUp, harness.Supervisor.Snapshot.State);
        Assert.StartsWith("crash loop: 5 restarts", events.Single(e => e.Kind == RecoveryEventKind.GaveUp).Seen);
        harness.Supervisor.RequestRestart("ops@example.com");
        var resumed = await harness.WaitForAsync(e => e.Any(x => x.Actor == "ops@example.com"));
        Assert.Equal("restarted at the request of ops@example.com", resumed.Last(e => e.Actor == "ops@example.com").Done);
    }

    [Fact]
    public async Task A_process_given_up_that_answers_again_is_supervised_again_and_restarted_when_killed_later()
    {
        // Every start hangs (SIGSTOP on itself) until the mark exists: probes fail, restarts follow, the crash loop gives up.
        var mark = Path.Combine(Path.GetTempPath(), $"o4o-answers-{Guid.NewGuid():N}");
        await using var harness = await SupervisorHarness.StartAsync($"[ -e {mark} ] || kill -STOP $$; exec sleep 60");
        await harness.RunAsync();
        await harness.WaitForAsync(e => e.Any(x => x.Kind == RecoveryEventKind.GaveUp));
        var hung = harness.Child.ProcessId!.Value;

        await File.WriteAllTextAsync(mark, "");
        UnixProcess.Signal(hung, 18); // SIGCONT: the given-up process answers again by itself
        var resumed = await harness.WaitForAsync(e => e.Any(x => x.Kind == RecoveryEventKind.Recovered));
        Assert.Equal(ComponentState.Running, harness.Supervisor.Snapshot.State);
        Assert.Equal("worker answers again after the crash loop", resumed.Last(e => e.Kind == RecoveryEventKind.Recovered).Seen);
        Assert.Equal("supervised again", resumed.Last(e => e.Kind == RecoveryEventKind.Recovered).Done);

        UnixProcess.Signal(hung, UnixProcess.SigKill);
        var events = await harness.WaitForAsync(e => e.Any(x => x.Seen == "worker killed by signal 9 (SIGKILL)")
            && e.SkipWhile(x => x.Seen != "worker killed by signal 9 (SIGKILL)").Any(x => x.Kind == RecoveryEventKind.Recovered));
        File.Delete(mark);

        Assert.StartsWith("restarted after", events.Last(e => e.Kind == RecoveryEventKind.Action).Done);
        Assert.NotEqual(hung, harness.Child.ProcessId);
        Assert.NotNull(harness.Child.ProcessId);
    }

    [Fact]
    public async Task A_requested_restart_of_a_healthy_process_is_timed_from_the_request()
    {
        await using var harness = await SupervisorHarness.StartAsync("exec sleep 60");
        await harness.RunAsync();

        harness.Supervisor.RequestRestart("ops@example.com");
        var events = await harness.WaitForAsync(e => e.Any(x => x.Kind == RecoveryEventKind.Recovered));

        var recovered = events.Single(e => e.Kind == RecoveryEventKind.Recovered).Outcome;
        var seconds = double.Parse(recovered.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 0, 10);
    }

    [Fact]
    public async Task With_AutoRecovery_off_a_dead_process_stays_down_until_it_is_switched_on()
    {
        await using var harness = await SupervisorHarness.StartAsync("exec sleep 60");
        await harness.RunAsync();
        await harness.Gate.SetAutoRecoveryAsync(false, "ops@example.com", CancellationToken.None);

        UnixProcess.Signal(harness.Child.ProcessId!.Value, UnixProcess.SigKill);
        await harness.WaitForAsync(e => e.Any(x => x.Done == "not restarted: AutoRecovery is off"));
        await Task.Delay(300);
        Assert.Null(harness.Child.ProcessId);
        Assert.Equal(ComponentState.Down, harness.Supervisor.Snapshot.State);

        await harness.Gate.SetAutoRecoveryAsync(true, "ops@example.com", CancellationToken.None);
        await harness.WaitForAsync(e => e.Any(x => x.Kind == RecoveryEventKind.Recovered));
        Assert.NotNull(harness.Child.ProcessId);
    }

    [Fact]
    public async Task A_maintenance_window_pauses_restarts_and_its_end_resumes_them()
    {
        await using var harness = await SupervisorHarness.StartAsync("exec sleep 60");
        await harness.RunAsync();
        await harness.Gate.SetPausedAsync("worker", true, "maintenance by ops", "ops", CancellationToken.None);

        UnixProcess.Signal(harness.Child.ProcessId!.Value, UnixProcess.SigKill);
        await harness.WaitForAsync(e => e.Any(x => x.Done == "not restarted: paused (maintenance by ops)"));
        Assert.Null(harness.Child.ProcessId);

        await harness.Gate.SetPausedAsync("worker", false, "maintenance by ops", "ops", CancellationToken.None);
        var events = await harness.WaitForAsync(e => e.Any(x => x.Kind == RecoveryEventKind.Recovered));
        Assert.Contains(events, e => e.Kind == RecoveryEventKind.Switch && e.Seen == "maintenance by ops began");
        Assert.Contains(events, e => e.Kind == RecoveryEventKind.Switch && e.Seen == "maintenance by ops ended");
    }

    [Fact]
    public async Task A_process_that_fails_its_probes_while_paused_is_not_recorded_and_carries_on_when_it_answers_after_the_pause()
    {
        await using var harness = await SupervisorHarness.StartAsync("exec sleep 60");
        await harness.RunAsync();
        var pid = harness.Child.ProcessId!.Value;
        await harness.Gate.SetPausedAsync("worker", true, "point-in-time restore", "auto-recovery", CancellationToken.None);

        // As a restore's swap holds the database closed: it fails its probes while paused, and answers when the pause ends.
        UnixProcess.Signal(pid, 19);
        await harness.WaitForStateAsync(ComponentState.Failing);
        var options = SupervisorHarness.FastOptions();
        await Task.Delay(options.ProbeTimeout * (options.FailureThreshold + 5));
        UnixProcess.Signal(pid, 18);
        await harness.Gate.SetPausedAsync("worker", false, "point-in-time restore", "auto-recovery", CancellationToken.None);
        await harness.WaitForStateAsync(ComponentState.Running);

        Assert.DoesNotContain(await harness.Events.RecentAsync(100), e => e.Kind is RecoveryEventKind.Detected or RecoveryEventKind.Action);
        Assert.Equal((pid, 1), (harness.Child.ProcessId, harness.Child.Starts));
    }

    [Fact]
    public async Task A_process_still_failing_its_probes_when_the_pause_ends_is_detected_and_restarted()
    {
        await using var harness = await SupervisorHarness.StartAsync("exec sleep 60");
        await harness.RunAsync();
        var pid = harness.Child.ProcessId!.Value;
        await harness.Gate.SetPausedAsync("worker", true, "maintenance by ops", "ops", CancellationToken.None);
        UnixProcess.Signal(pid, 19);
        await harness.WaitForStateAsync(ComponentState.Failing);

        await harness.Gate.SetPausedAsync("worker", false, "maintenance by ops", "ops", CancellationToken.None);

        var events = await harness.WaitForAsync(e => e.Any(x => x.Kind == RecoveryEventKind.Recovered));
        Assert.Matches("^[0-9]+ consecutive probes failed", events.Single(e => e.Kind == RecoveryEventKind.Detected).Seen);
        Assert.NotEqual(pid, harness.Child.ProcessId);
    }

    [Fact]
    public async Task A_platform_above_its_memory_limit_is_restarted_gracefully_with_SIGTERM()
    {
        var options = SupervisorHarness.FastOptions();
        options.Platform.MemoryLimit = 1024;
        // The shell answers SIGTERM by leaving a mark and exiting: only a graceful stop leaves it.
        var marks = Path.Combine(Path.GetTempPath(), $"o4o-sigterm-{Guid.NewGuid():N}");
        await using var harness = await SupervisorHarness.StartAsync($"trap 'echo term >> {marks}; exit 0' TERM; while true; do sleep 0.05; done", options, Conductor.PlatformComponent);
        await harness.RunAsync();

        var events = await harness.WaitForAsync(e => e.Any(x => x.Kind == RecoveryEventKind.Action));

        Assert.Matches("^resident memory [0-9]+ MB above the limit of 0 MB$", events.First(e => e.Kind == RecoveryEventKind.Detected).Seen);
        Assert.Contains("term", await File.ReadAllTextAsync(marks));
        File.Delete(marks);
    }

    [Fact]
    public async Task The_AutoRecovery_switch_survives_a_restart_with_who_set_it()
    {
        var directory = Directory.CreateTempSubdirectory("o4o-switch-").FullName;
        try
        {
            var state = Path.Combine(directory, "state.db");
            var first = await RecoveryGate.LoadAsync(new State.Settings(state), new State.EventLog(state), TimeProvider.System, CancellationToken.None);
            await first.SetAutoRecoveryAsync(false, "kim@example.com", CancellationToken.None);

            var second = await RecoveryGate.LoadAsync(new State.Settings(state), new State.EventLog(state), TimeProvider.System, CancellationToken.None);

            Assert.False(second.Enabled);
            Assert.Equal("kim@example.com", second.AutoRecovery.ChangedBy);
            Assert.NotNull(second.AutoRecovery.ChangedAt);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
