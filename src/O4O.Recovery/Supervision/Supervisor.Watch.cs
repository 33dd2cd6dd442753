using System.Globalization;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Supervision;

/// <summary>Detection: the process's exit, the probe threshold, the memory limit, a person's restart request.</summary>
public sealed partial class Supervisor
{
    // Ctrl+C in a terminal signals the whole process group: a child may exit a moment before the conductor hears of
    // the stop itself, and such an exit is part of the stop, not a failure to record.
    private static readonly TimeSpan _exitGrace = TimeSpan.FromMilliseconds(100);
    private DateTimeOffset _failedAt;

    private async Task<SupervisedFailure> WatchAsync(CancellationToken stop)
    {
        var failures = 0;
        var healthy = 0;
        var memoryLimit = PlatformInstances.IsPlatform(child.Name) ? options.Platform.MemoryLimit : null;
        var wait = options.ProbeInterval;
        while (true)
        {
            var request = CurrentRequest();
            var exited = child.Exited;
            // The request and the exit first: WhenAny answers with the first of the tasks already complete, and after a
            // probe slower than the interval the wait is zero, so a delay listed first would hide both behind probe after probe.
            var first = await Task.WhenAny(request, exited, Task.Delay(wait, time, stop));
            stop.ThrowIfCancellationRequested();
            if (first == request)
            {
                var actor = await NextRestartRequestAsync(stop);
                // The recovery that follows is timed from the request: nothing failed before it.
                _failedAt = time.GetUtcNow();
                return new SupervisedFailure($"restart of {child.Name} requested", FailureType.ServerDown, Graceful: true, actor);
            }

            if (first == exited)
            {
                await Task.Delay(_exitGrace, time, stop);
                var exitCode = await exited;
                return await DetectedAsync(new SupervisedFailure(
                    $"{child.Name} {ExitStatus.Describe(exitCode)}", FailureType.ServerDown, Graceful: false), stop);
            }

            // Probes start on a fixed period, so a slow or timed-out probe does not stretch the detection window; once
            // one failed, the next ones follow every probe timeout to confirm or clear it sooner.
            var probed = time.GetTimestamp();
            var probe = await child.ProbeAsync(options.ProbeTimeout, stop);
            wait = (probe.Healthy ? options.ProbeInterval : options.ProbeTimeout) - time.GetElapsedTime(probed);
            wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            if (!probe.Healthy)
            {
                healthy = 0;
                Enter(ComponentState.Failing, probe.Error, null);

                // A paused component is somebody's work in progress (a restore's swap holds the database closed): its
                // failed probes are shown, not counted, or the work would be recorded as a failure of its own.
                failures = gate.PauseReason(child.Name) is null ? failures + 1 : 0;
                if (failures >= options.FailureThreshold)
                {
                    return await DetectedAsync(new SupervisedFailure(
                        string.Create(CultureInfo.InvariantCulture, $"{failures} consecutive probes failed: {probe.Error}"), FailureType.ServerDown, Graceful: false), stop);
                }

                continue;
            }

            failures = 0;
            Enter(ComponentState.Running, null, null);
            if (_recovering && ++healthy >= options.RecoveryThreshold)
            {
                _recovering = false;
                await RecordAsync(RecoveryEventKind.Recovered, string.Create(CultureInfo.InvariantCulture, $"{healthy} consecutive probes answered"), "",
                    string.Create(CultureInfo.InvariantCulture, $"healthy {(time.GetUtcNow() - _failedAt).TotalSeconds:0.0} s after the failure was seen"), null, stop);
            }

            if (memoryLimit is { } limit && child.ProcessId is { } pid && Health.ProcessMemory.ResidentBytes(pid) is { } resident && resident > limit)
            {
                return await DetectedAsync(new SupervisedFailure(
                    string.Create(CultureInfo.InvariantCulture, $"resident memory {resident / 1048576} MB above the limit of {limit / 1048576} MB"),
                    FailureType.ServerDown, Graceful: true), stop);
            }
        }
    }

    private async Task<SupervisedFailure> DetectedAsync(SupervisedFailure failure, CancellationToken stop)
    {
        _failedAt = time.GetUtcNow();
        Enter(ComponentState.Down, failure.Seen, failure.Type);
        await RecordAsync(RecoveryEventKind.Detected, failure.Seen, "", "", failure.Type, stop);
        return failure;
    }

    /// <summary>
    /// While AutoRecovery is off, or the component is paused, or it cannot be restarted: records that nothing is done
    /// and waits for the gate to open (returns the failure), a person's restart (returns it as requested), or the
    /// component to answer again by itself (returns null).
    /// </summary>
    private async Task<SupervisedFailure?> WaitWhileHeldAsync(SupervisedFailure failure, CancellationToken stop)
    {
        if (HeldBecause() is not { } reason)
        {
            return failure;
        }

        Enter(ComponentState.Down, failure.Seen, failure.Type);
        await RecordAsync(RecoveryEventKind.Action, failure.Seen, $"not restarted: {reason}", "waiting", failure.Type, stop);
        child.HeldDown();
        var (resumption, actor) = await AwaitResumptionAsync(released: () => HeldBecause() is null, stop);
        switch (resumption)
        {
            case Resumption.Requested:
                return failure with { RequestedBy = actor };
            case Resumption.Released:
                return failure;
            default:
                Enter(ComponentState.Running, null, null);
                await RecordAsync(RecoveryEventKind.Recovered, $"{child.Name} answers again", "nothing (it recovered by itself)", "healthy", null, stop);
                return null;
        }
    }

    /// <summary>
    /// Waits for a person's restart request (with who asked), <paramref name="released"/> to hold after a change of the
    /// gate, or the component's own process to answer <c>RecoveryThreshold</c> probes in a row.
    /// </summary>
    private async Task<(Resumption Resumption, string? Actor)> AwaitResumptionAsync(Func<bool> released, CancellationToken stop)
    {
        var healthy = 0;
        while (true)
        {
            var request = CurrentRequest();
            var first = await Task.WhenAny(gate.Changed, request, Task.Delay(options.ProbeInterval, time, stop));
            stop.ThrowIfCancellationRequested();
            if (first == request)
            {
                return (Resumption.Requested, await NextRestartRequestAsync(stop));
            }

            if (released())
            {
                // What failed while it was held may have passed (a restore's swap holds the database closed until the pause
                // ends): restarting a server that answers would only take the shop down again.
                return !child.Exited.IsCompleted && (await child.ProbeAsync(options.ProbeTimeout, stop)).Healthy
                    ? (Resumption.Answered, null)
                    : (Resumption.Released, null);
            }

            // Only a process of ours can be supervised again: one that exited is seen as exited at once, whatever
            // else answers on its port.
            var answered = !child.Exited.IsCompleted && (await child.ProbeAsync(options.ProbeTimeout, stop)).Healthy;
            healthy = answered ? healthy + 1 : 0;
            if (healthy >= options.RecoveryThreshold)
            {
                return (Resumption.Answered, null);
            }
        }
    }

    private string? HeldBecause() =>
        !gate.Enabled ? "AutoRecovery is off"
        : gate.PauseReason(child.Name) is { } pause ? $"paused ({pause})"
        : !child.CanRestart ? "the conductor does not run this server"
        : null;

    private Task<string> CurrentRequest()
    {
        lock (_lock)
        {
            return _restartRequest.Task;
        }
    }

    private enum Resumption
    {
        Requested,
        Released,
        Answered,
    }
}
