using O4O.Recovery.Control;
using O4O.Recovery.Releases;

namespace O4O.Recovery.Supervision;

public sealed partial class Conductor
{
    /// <summary>
    /// The health-gated switch to the release named <paramref name="name"/> (<see cref="PlatformChild.SwitchAsync"/>),
    /// every step on the timeline under <see cref="ReleasesComponent"/>. Runs on the conductor's own cancellation, not the
    /// caller's: a switch is never left half done because <c>o4o deploy</c> was interrupted.
    /// </summary>
    private async Task<PlatformSwitchResult> SwitchPlatformAsync(PlatformChild platform, RecoveryJournals journal, string name, string actor,
        Action switched, CancellationToken stop)
    {
        if (new ReleaseStore(home).Find(name) is not { } release || !File.Exists(release.Assembly))
        {
            return new PlatformSwitchResult(false, $"no release named {name} with a platform in it");
        }

        Task Record(string step) =>
            journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ReleasesComponent, RecoveryEventKind.Action, $"switch to {name}: {step}", Actor: actor), stop);

        var failure = await platform.SwitchAsync(release.Assembly, Record, stop);
        if (failure is null)
        {
            switched();
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ReleasesComponent, RecoveryEventKind.Recovered,
                $"{name} serves (pid {platform.ProcessId})", "switched with no request refused", "healthy", Actor: actor), stop);
            return new PlatformSwitchResult(true, $"{name} serves (pid {platform.ProcessId})");
        }

        await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), ReleasesComponent, RecoveryEventKind.Detected,
            $"{name} failed its health gate: {failure}", "stopped it before it received any traffic", "the serving release kept serving",
            FailureType.ServerDown, actor), stop);
        return new PlatformSwitchResult(false, failure);
    }
}
