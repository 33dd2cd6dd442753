using O4O.Cli.Resources;
using O4O.Recovery.Control;
using O4O.Recovery.Releases;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// Makes a release current through the running conductor's health-gated switch (the release starts beside the serving
/// one and gets traffic only once it passed its gate; no request is refused), or, with no conductor, for the next
/// <c>o4o up</c>. The conductor records the switch's steps and makes the release current; this records the decision,
/// under the <c>releases</c> component.
/// </summary>
internal static class ReleaseSwitch
{
    /// <summary>The component release events are recorded under.</summary>
    public const string Component = Conductor.ReleasesComponent;

    // The platform's start (60 s by default), its gate and the old one's drain and graceful stop.
    private static readonly TimeSpan _switchWait = TimeSpan.FromMinutes(3);

    /// <summary>Where the release commands' events go: the event log and the open incident's timeline.</summary>
    public static IRecoveryJournal Journal(CliContext context) => new RestoreRecord(context, new EventLog(context.Home.StateDatabase), UpControl.Actor);

    public static async Task<int> MakeCurrentAsync(CliContext context, Release release, string action, string? backup, CancellationToken cancellationToken)
    {
        var journal = Journal(context);
        await journal.RecordAsync(new RecoveryEvent(context.Time.GetUtcNow(), Component, RecoveryEventKind.Action,
            $"{action}: {release.Name} (version {release.Manifest.Version}, commit {Short(release.Manifest.Commit)})",
            backup is null ? "health-gated switch requested" : $"health-gated switch requested after backup {backup}",
            Actor: UpControl.Actor), cancellationToken);
        PlatformSwitchResult result;
        using (var control = new ControlClient(context.Home, _switchWait))
        {
            try
            {
                result = await control.SwitchPlatformAsync(release.Name, UpControl.Actor, cancellationToken);
            }
            catch (ConductorUnreachableException)
            {
                new ReleaseRecords(context.Home.StateDatabase).MakeCurrent(release.Name, UpControl.Actor, context.Time.GetUtcNow());
                await context.Error.WriteLineAsync(Text.Format(Strings.ReleaseCurrent, release.Name));
                await context.Error.WriteLineAsync(Text.Format(Strings.ReleaseNoConductor, release.Name));
                return ExitCodes.Success;
            }
        }

        // The conductor recorded the outcome itself, in the same step as the switch.
        if (!result.Switched)
        {
            await CliConsole.FailAsync(context, Text.Format(Strings.ReleasePlatformNotBack, release.Name, result.Detail));
            return ExitCodes.Failure;
        }

        await context.Error.WriteLineAsync(Text.Format(Strings.ReleaseCurrent, release.Name));
        await context.Error.WriteLineAsync(Text.Format(Strings.ReleaseRestarted, release.Name));
        return ExitCodes.Success;
    }

    /// <summary>A commit as people read it: its first 12 hex digits.</summary>
    public static string Short(string? commit) => commit is null ? "-" : commit[..Math.Min(12, commit.Length)];
}
