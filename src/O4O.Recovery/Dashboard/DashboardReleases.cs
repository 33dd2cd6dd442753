using O4O.Recovery.Configuration;
using O4O.Recovery.Releases;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Dashboard;

/// <summary>A release as the release panel names it.</summary>
/// <param name="Name">Its directory name.</param>
/// <param name="Version">The platform's version.</param>
/// <param name="Commit">The git commit it was built from, when known.</param>
/// <param name="Since">When it was last made current.</param>
/// <param name="Health">healthy, failed, rolled back, or null when it never ran.</param>
internal sealed record ReleaseSummary(string Name, string Version, string? Commit, DateTimeOffset? Since, string? Health);

/// <summary>The release panel: what runs, what a rollback goes back to, the watch window and the releases' timeline.</summary>
/// <param name="Current">The current release; null while the build output runs.</param>
/// <param name="Previous">The release before it (what <c>o4o rollback</c> goes back to); null when there is none.</param>
/// <param name="Watch">The watch window of the release last switched to; null when none was watched.</param>
/// <param name="Events">The last deploys, switches, rollbacks and refusals, newest first.</param>
internal sealed record ReleasePanel(ReleaseSummary? Current, ReleaseSummary? Previous, WatchWindowStatus? Watch, IReadOnlyList<ChartMark> Events)
{
    private const int EventCount = 10;

    /// <summary>The panel from the release directory, <c>state.db</c>'s records and <paramref name="recent"/> (newest first).</summary>
    public static ReleasePanel Build(O4OHome home, WatchWindowStatus? watch, IEnumerable<RecoveryEvent> recent)
    {
        var store = new ReleaseStore(home);
        var current = store.Current();
        var records = current is null ? new Dictionary<string, ReleaseRecord>() : new ReleaseRecords(home.StateDatabase).ReadAll();
        ReleaseSummary? Summary(Release? release) => release is null ? null : new ReleaseSummary(release.Name, release.Manifest.Version,
            release.Manifest.Commit, records.GetValueOrDefault(release.Name)?.CurrentSince, records.GetValueOrDefault(release.Name)?.Health);
        return new ReleasePanel(Summary(current), Summary(current is null ? null : store.Before(current)), watch,
            [.. recent.Where(e => e.Component == Conductor.ReleasesComponent).Take(EventCount)
                .Select(e => new ChartMark(e.At, e.Component, e.Kind.ToString(), Incidents.IncidentJournal.Describe(e)))]);
    }
}
