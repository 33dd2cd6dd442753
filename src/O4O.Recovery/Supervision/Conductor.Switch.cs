using O4O.Recovery.Control;
using O4O.Recovery.Releases;
using O4O.Recovery.State;

namespace O4O.Recovery.Supervision;

public sealed partial class Conductor
{
    /// <summary>Who the automatic rollback is on the record as.</summary>
    public const string AutoRollbackActor = "auto-rollback";

    private CancellationTokenSource? _watch;
    // Written by the watch, read by the dashboard's polls: each write replaces the whole record.
    private volatile WatchWindowStatus? _watchStatus;

    /// <summary>
    /// The health-gated switch to the release named <paramref name="name"/> (<see cref="PlatformChild.SwitchAsync"/>), one
    /// instance after the other so the others serve meanwhile (one failing its gate puts those already switched back),
    /// every step on the timeline under <see cref="ReleasesComponent"/>, the release made current (or recorded failed) in
    /// <c>state.db</c>, then the watch window that switches back the same way (<see cref="WatchAsync"/>). Runs on the conductor's own cancellation, not the caller's: a switch is never left
    /// half done because <c>o4o deploy</c> was interrupted.
    /// </summary>
    private async Task<PlatformSwitchResult> SwitchPlatformAsync(IReadOnlyList<PlatformChild> platforms, RecoveryJournals journal, string name,
        string actor, Action switched, CancellationToken stop)
    {
        var store = new ReleaseStore(home);
        if (store.Find(name) is not { } release || !File.Exists(release.Assembly))
        {
            return new PlatformSwitchResult(false, $"no release named {name} with a platform in it");
        }

        // What serves now, to go back to: the current release when it is what runs, else the build output.
        var platform = platforms[0];
        var previousAssembly = platform.ServingAssembly;
        var previous = store.Current() is { } current && current.Assembly == previousAssembly ? current.Name : null;
        if (_watch is not null)
        {
            await _watch.CancelAsync();
        }

        var watched = settings.Releases.WatchWindow > TimeSpan.Zero && previousAssembly is not null;
        var failure = await RollAsync(platforms, release.Assembly, previousAssembly, Steps(journal, name, actor, stop), watched, stop);
        var records = new ReleaseRecords(home.StateDatabase);
        if (failure is not null)
        {
            // Not made current: the serving release stays the one a restart or the next o4o up runs.
            records.SetHealth(name, "failed");
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ReleasesComponent, RecoveryEventKind.Detected,
                $"{name} failed its health gate: {failure}", "stopped it before it received any traffic", "the serving release kept serving",
                FailureType.ServerDown, actor), stop);
            return new PlatformSwitchResult(false, failure);
        }

        // Current as soon as it serves and before its watch starts: a rollback in the watch window then always comes
        // after this record, never before one that would make the failed release current again.
        records.MakeCurrent(name, actor, time.GetUtcNow());
        records.SetHealth(name, "healthy");
        switched();
        await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ReleasesComponent, RecoveryEventKind.Recovered,
            $"{name} serves (pid {platform.ProcessId})", "switched with no request refused", "healthy", Actor: actor), stop);
        _watchStatus = null;
        if (watched)
        {
            var at = time.GetUtcNow();
            _watchStatus = new WatchWindowStatus(name, at, at + settings.Releases.WatchWindow, 0, 0);
            _watch = CancellationTokenSource.CreateLinkedTokenSource(stop);
            _ = WatchAsync(platforms, journal, name, previous, previousAssembly!, switched, _watch.Token);
        }

        return new PlatformSwitchResult(true, $"{name} serves (pid {platform.ProcessId})");
    }

    /// <summary>
    /// Switches each instance in turn to <paramref name="assembly"/>; when one fails its gate, those already switched go
    /// back to <paramref name="previousAssembly"/> (their standby, or started afresh) and the failure is returned.
    /// </summary>
    private static async Task<string?> RollAsync(IReadOnlyList<PlatformChild> platforms, string assembly, string? previousAssembly,
        Func<string, Task> record, bool keepStandby, CancellationToken stop)
    {
        for (var index = 0; index < platforms.Count; index++)
        {
            var instance = platforms[index];
            var steps = platforms.Count == 1 ? record : step => record($"{instance.Name}: {step}");
            if (await instance.SwitchAsync(assembly, steps, stop, keepStandby) is not { } failure)
            {
                continue;
            }

            foreach (var switched in platforms.Take(index))
            {
                if (!await switched.RollBackToStandbyAsync(steps, stop) && previousAssembly is not null)
                {
                    await switched.SwitchAsync(previousAssembly, step => record($"{switched.Name}: back: {step}"), stop);
                }
            }

            return failure;
        }

        return null;
    }

    /// <summary>
    /// The watch window after a switch to <paramref name="name"/>: when it fails (<see cref="ReleaseWatch"/>, on the first
    /// instance: every instance runs the same release), the switch back to what served before on every instance, the same
    /// health-gated way, and an incident (the detection opens it, and it stays open for a person: the release that failed
    /// needs one). A later switch ends the watch.
    /// </summary>
    private async Task WatchAsync(IReadOnlyList<PlatformChild> platforms, RecoveryJournals journal, string name, string? previous,
        string previousAssembly, Action switched, CancellationToken cancellationToken)
    {
        var platform = platforms[0];
        try
        {
            if (await new ReleaseWatch(settings.Releases, time).WatchAsync(platform, (requests, errors) => Watched(name, status => status with { Requests = requests, ServerErrors = errors }),
                cancellationToken) is not { } reason)
            {
                Watched(name, status => status with { Outcome = "passed", OutcomeAt = time.GetUtcNow() });
                foreach (var instance in platforms)
                {
                    await instance.ReleaseStandbyAsync();
                }

                await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ReleasesComponent, RecoveryEventKind.Note,
                    $"{name} passed its watch window of {settings.Releases.WatchWindow.TotalMinutes:0.#} min", Actor: AutoRollbackActor), cancellationToken);
                return;
            }

            var back = previous ?? "the build output";
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ReleasesComponent, RecoveryEventKind.Detected,
                $"{name} failed in its watch window: {reason}", $"switching back to {back}", "", FailureType.ServerDown, AutoRollbackActor), cancellationToken);
            // The standby answers at once; only when it died meanwhile is the previous release started afresh.
            var steps = Steps(journal, back, AutoRollbackActor, cancellationToken);
            string? failure = null;
            foreach (var instance in platforms)
            {
                var instanceSteps = platforms.Count == 1 ? steps : step => steps($"{instance.Name}: {step}");
                var instanceFailure = await instance.RollBackToStandbyAsync(instanceSteps, cancellationToken) ? null
                    : await instance.SwitchAsync(previousAssembly, instanceSteps, cancellationToken);
                failure ??= instanceFailure;
            }

            if (failure is not null)
            {
                Watched(name, status => status with { Outcome = "rollbackFailed", OutcomeAt = time.GetUtcNow(), Reason = reason });
                await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ReleasesComponent, RecoveryEventKind.GaveUp,
                    $"the automatic rollback to {back} failed its health gate: {failure}", $"{name} keeps serving", "waiting for a person",
                    FailureType.ServerDown, AutoRollbackActor), cancellationToken);
                return;
            }

            var records = new ReleaseRecords(home.StateDatabase);
            if (previous is null)
            {
                records.ClearCurrent();
            }
            else
            {
                records.MakeCurrent(previous, AutoRollbackActor, time.GetUtcNow());
                records.SetHealth(previous, "healthy");
            }

            records.SetHealth(name, "rolled back");
            Watched(name, status => status with { Outcome = "rolledBack", OutcomeAt = time.GetUtcNow(), Reason = reason });
            switched();
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ReleasesComponent, RecoveryEventKind.Action,
                $"{name} failed in its watch window: {reason}", $"rolled back automatically to {back} (pid {platform.ProcessId})", "serving",
                FailureType.ServerDown, AutoRollbackActor), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A later switch, or the conductor stopping.
        }
    }

    // Only the watch of the release last switched to writes: a later switch replaces the status before it cancels this one.
    private void Watched(string release, Func<WatchWindowStatus, WatchWindowStatus> change)
    {
        if (_watchStatus is { } status && status.Release == release)
        {
            _watchStatus = change(status);
        }
    }

    private Func<string, Task> Steps(RecoveryJournals journal, string name, string actor, CancellationToken cancellationToken) =>
        step => journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ReleasesComponent, RecoveryEventKind.Action, $"switch to {name}: {step}", Actor: actor), cancellationToken);
}
