using System.Diagnostics;
using System.Globalization;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Supervision;

/// <summary>
/// Keeps one component running: watches its process and probes it, records every detection and action, and restarts
/// it with back-off while the <see cref="RecoveryGate"/> allows — until a crash loop, which it records and stops at.
/// </summary>
public sealed partial class Supervisor(ISupervisedChild child, SupervisionOptions options, RecoveryGate gate,
    IRecoveryJournal journal, TimeProvider time, Action<ISupervisedChild>? started = null)
{
    private readonly RestartPolicy _policy = new(options);
    private readonly Lock _lock = new();
    private TaskCompletionSource<string> _restartRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ComponentSnapshot _snapshot = new(child.Name, ComponentState.Starting, time.GetUtcNow(), 0, null, null, null);
    private bool _recovering;

    /// <summary>The supervised component's name.</summary>
    public string Name => child.Name;

    /// <summary>The component as it stands now.</summary>
    public ComponentSnapshot Snapshot
    {
        get
        {
            lock (_lock)
            {
                return _snapshot with { Pid = child.ProcessId, Restarts = _policy.Restarts };
            }
        }
    }

    /// <summary>Asks for a restart by <paramref name="actor"/>: graceful, and it also ends a crash loop's give-up.</summary>
    public void RequestRestart(string actor)
    {
        lock (_lock)
        {
            _restartRequest.TrySetResult(actor);
        }
    }

    /// <summary>
    /// The first start: retried with back-off like any crash, until it answers (returns true) or the crash loop
    /// limit is reached (records <see cref="RecoveryEventKind.GaveUp"/> and returns false).
    /// </summary>
    public async Task<bool> StartAsync(CancellationToken stop)
    {
        while (true)
        {
            var error = await child.StartAsync(stop);
            if (error is null)
            {
                Adopt();
                return true;
            }

            var failure = new SupervisedFailure($"{child.Name} {error}", FailureType.ServerDown, Graceful: false);
            await RecordAsync(RecoveryEventKind.Detected, failure.Seen, "", "", failure.Type, stop);
            if (_policy.IsCrashLoop(time.GetUtcNow()) || !gate.MayRecover(child.Name))
            {
                await RecordGiveUpAsync(failure, stop);
                return false;
            }

            await Task.Delay(_policy.NextRestart(time.GetUtcNow()), time, stop);
        }
    }

    /// <summary>Takes over a component the conductor started itself (the database server, before anything else).</summary>
    public void Adopt()
    {
        Enter(ComponentState.Running, null, null);
        started?.Invoke(child);
    }

    /// <summary>Supervises until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                var failure = await WatchAsync(stop);
                await RecoverAsync(failure, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The conductor stops the children itself.
        }
    }

    private async Task RecoverAsync(SupervisedFailure failure, CancellationToken stop)
    {
        while (true)
        {
            if (failure.RequestedBy is null)
            {
                if (await WaitWhileHeldAsync(failure, stop) is not { } next)
                {
                    return;
                }

                failure = next;
            }

            if (failure.RequestedBy is null && _policy.IsCrashLoop(time.GetUtcNow()))
            {
                if (await GiveUpAsync(failure, stop) is not { } requested)
                {
                    return;
                }

                failure = requested;
            }

            if (failure.RequestedBy is not null)
            {
                _policy.Reset();
            }

            var delay = _policy.NextRestart(time.GetUtcNow());
            Enter(ComponentState.Restarting, failure.Seen, failure.Type);
            await Task.Delay(delay, time, stop);
            await child.StopAsync(failure.Graceful);
            var clock = Stopwatch.StartNew();
            var error = await child.StartAsync(stop);
            var done = failure.RequestedBy is null
                ? string.Create(CultureInfo.InvariantCulture, $"restarted after {delay.TotalMilliseconds:0} ms back-off")
                : $"restarted at the request of {failure.RequestedBy}";
            if (error is null)
            {
                _recovering = true;
                Enter(ComponentState.Running, failure.Seen, null);
                started?.Invoke(child);
                await RecordAsync(RecoveryEventKind.Action, failure.Seen, done,
                    string.Create(CultureInfo.InvariantCulture, $"answering after {clock.Elapsed.TotalSeconds:0.0} s (pid {child.ProcessId})"),
                    null, stop, failure.RequestedBy);
                return;
            }

            await RecordAsync(RecoveryEventKind.Action, failure.Seen, done, $"failed: {error}", failure.Type, stop, failure.RequestedBy);
            failure = new SupervisedFailure($"{child.Name} {error}", FailureType.ServerDown, Graceful: false);
        }
    }

    /// <summary>
    /// Records the give-up, then waits for a person's restart (returns the failure as requested) or for the
    /// component to answer again by itself (returns null): then it is supervised again, crash loop forgotten, so a
    /// later failure is restarted like any other.
    /// </summary>
    private async Task<SupervisedFailure?> GiveUpAsync(SupervisedFailure failure, CancellationToken stop)
    {
        await RecordGiveUpAsync(failure, stop);
        var (resumption, actor) = await AwaitResumptionAsync(released: () => false, stop);
        if (resumption == Resumption.Requested)
        {
            return new SupervisedFailure(failure.Seen, failure.Type, Graceful: false, actor);
        }

        _policy.Reset();
        _recovering = false;
        Enter(ComponentState.Running, null, null);
        await RecordAsync(RecoveryEventKind.Recovered, $"{child.Name} answers again after the crash loop", "supervised again", "healthy", null, stop);
        return null;
    }

    private async Task RecordGiveUpAsync(SupervisedFailure failure, CancellationToken stop)
    {
        Enter(ComponentState.GaveUp, failure.Seen, failure.Type);
        await RecordAsync(RecoveryEventKind.GaveUp,
            string.Create(CultureInfo.InvariantCulture, $"crash loop: {_policy.Restarts} restarts, the last failure: {failure.Seen}"),
            $"stopped restarting {child.Name}; `o4o restart {child.Name}` starts it again", "waiting for a person", failure.Type, stop);
    }

    private async Task<string> NextRestartRequestAsync(CancellationToken stop)
    {
        var actor = await CurrentRequest().WaitAsync(stop);
        lock (_lock)
        {
            _restartRequest = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return actor;
    }

    private void Enter(ComponentState state, string? error, FailureType? type)
    {
        lock (_lock)
        {
            if (_snapshot.State != state)
            {
                _snapshot = _snapshot with { State = state, Since = time.GetUtcNow() };
            }

            _snapshot = _snapshot with { LastError = error ?? _snapshot.LastError, FailureType = type };
        }
    }

    private Task RecordAsync(RecoveryEventKind kind, string seen, string done, string outcome, FailureType? type,
        CancellationToken stop, string? actor = null) =>
        journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), child.Name, kind, seen, done, outcome, type, actor ?? "auto-recovery"), stop);
}
