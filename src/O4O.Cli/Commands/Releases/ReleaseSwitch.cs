using O4O.Cli.Resources;
using O4O.Recovery.Releases;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// Makes a release current and restarts the platform on it through the running conductor's restart request, which
/// starts the platform from the current release (until the health-gated switch replaces it). Each step is a recovery
/// event of the <c>releases</c> component on the timeline.
/// </summary>
internal static class ReleaseSwitch
{
    /// <summary>The component release events are recorded under.</summary>
    public const string Component = "releases";

    private static readonly TimeSpan _restartWait = TimeSpan.FromSeconds(90);

    /// <summary>Where the release commands' events go: the event log and the open incident's timeline.</summary>
    public static IRecoveryJournal Journal(CliContext context) => new RestoreRecord(context, new EventLog(context.Home.StateDatabase), UpControl.Actor);

    public static async Task<int> MakeCurrentAsync(CliContext context, Release release, string action, string? backup, CancellationToken cancellationToken)
    {
        var records = new ReleaseRecords(context.Home.StateDatabase);
        var journal = Journal(context);
        records.MakeCurrent(release.Name, UpControl.Actor, context.Time.GetUtcNow(), backup);
        await context.Error.WriteLineAsync(Text.Format(Strings.ReleaseCurrent, release.Name));
        await journal.RecordAsync(new RecoveryEvent(context.Time.GetUtcNow(), Component, RecoveryEventKind.Action,
            $"{action}: {release.Name} (version {release.Manifest.Version}, commit {Short(release.Manifest.Commit)})",
            backup is null ? "made current; platform restart requested" : $"made current after backup {backup}; platform restart requested",
            Actor: UpControl.Actor), cancellationToken);
        var restarted = await ConductorRestarts.RestartPlatformAsync(context, UpControl.Actor, _restartWait, cancellationToken);
        if (restarted is null)
        {
            await context.Error.WriteLineAsync(Text.Format(Strings.ReleaseNoConductor, release.Name));
            return ExitCodes.Success;
        }

        records.SetHealth(release.Name, restarted.Value ? "healthy" : "failed");
        await journal.RecordAsync(new RecoveryEvent(context.Time.GetUtcNow(), Component,
            restarted.Value ? RecoveryEventKind.Recovered : RecoveryEventKind.Detected,
            restarted.Value ? $"the platform runs {release.Name}" : $"the platform did not come back on {release.Name} within {_restartWait.TotalSeconds:0} s",
            Actor: UpControl.Actor), cancellationToken);
        if (!restarted.Value)
        {
            await CliConsole.FailAsync(context, Text.Format(Strings.ReleasePlatformNotBack, release.Name, _restartWait.TotalSeconds));
            return ExitCodes.Failure;
        }

        await context.Error.WriteLineAsync(Text.Format(Strings.ReleaseRestarted, release.Name));
        return ExitCodes.Success;
    }

    /// <summary>A commit as people read it: its first 12 hex digits.</summary>
    public static string Short(string? commit) => commit is null ? "-" : commit[..Math.Min(12, commit.Length)];
}
