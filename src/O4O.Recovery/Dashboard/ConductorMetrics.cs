using System.Diagnostics.Metrics;
using System.Globalization;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Dashboard;

/// <summary>
/// The conductor's state as OpenTelemetry instruments, for the dashboard's <c>/metrics</c>. The supervisors' snapshots are
/// read at each collection; the backups, the WAL archiving and the incidents come from the dashboard's own view, built
/// once per scrape (<see cref="RefreshAsync"/>), so a scrape asks nothing the dashboard does not already ask.
/// </summary>
/// <remarks>
/// A state is exported as a state set (1 for the current one, 0 for the others) and every level or kind once seen keeps
/// being reported: a cumulative exporter keeps a series it saw once, so a series left out would show its last value.
/// </remarks>
internal sealed class ConductorMetrics
{
    /// <summary>The meter the dashboard's metrics export listens to.</summary>
    public const string MeterName = "O4O.Conductor";

    private static readonly ComponentState[] _states = Enum.GetValues<ComponentState>();
    private static readonly string[] _verifications = ["passed", "failed", "unverified"];

    private readonly DashboardContext _context;
    private readonly HashSet<string> _levelsSeen = [];
    private DashboardView? _view;

    public ConductorMetrics(DashboardContext context, IMeterFactory meters)
    {
        _context = context;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("o4o.component.state", ComponentStates, "{state}",
            "1 for the supervisor's state of the component (Starting, Running, Failing, Restarting, Down, GaveUp), 0 for the others.");
        meter.CreateObservableCounter("o4o.component.restarts", Restarts, "{restart}",
            "Restarts since the conductor started, of each supervised child and background job.");
        meter.CreateObservableGauge("o4o.backup.age", BackupAges, "s", "Age of the newest backup: kind=logical (archive) or physical (pgBackRest set).");
        meter.CreateObservableGauge("o4o.backup.verification", Verification, "{archive}",
            "1 for the newest archive's verification result (passed, failed, unverified), 0 for the others.");
        meter.CreateObservableGauge("o4o.wal_archive.lag", WalLag, "s", "How far WAL archiving trails the cluster (pg_stat_archiver and the .ready files).");
        meter.CreateObservableCounter("o4o.wal_archive.failures", WalFailures, "{segment}", "Failed archive_command runs (pg_stat_archiver).");
        meter.CreateObservableGauge("o4o.incidents.open", OpenIncidents, "{incident}",
            "Open incidents by the escalation level paged by now (level=none before the first).");
    }

    /// <summary>Reads the dashboard's view, which the next collection reports.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken) =>
        _view = await DashboardView.BuildAsync(_context, "metrics", CultureInfo.InvariantCulture, cancellationToken);

    private IEnumerable<Measurement<int>> ComponentStates() =>
        from component in _context.State.Status().Components
        from state in _states
        select new Measurement<int>(component.State == state ? 1 : 0, new("component", component.Name), new("state", state.ToString()));

    private IEnumerable<Measurement<int>> Restarts()
    {
        var status = _context.State.Status();
        return status.Components.Select(c => (c.Name, c.Restarts)).Concat((status.Jobs ?? []).Select(j => (j.Name, j.Restarts)))
            .Select(c => new Measurement<int>(c.Restarts, new KeyValuePair<string, object?>("component", c.Name)));
    }

    private IEnumerable<Measurement<double>> BackupAges()
    {
        var now = _context.Time.GetUtcNow();
        if (_view?.Backups.Archives is [.., var newest])
        {
            yield return new((now - newest.CreatedAt).TotalSeconds, new KeyValuePair<string, object?>("kind", "logical"));
        }

        if (_view?.Backups.Physical?.Newest is { } set)
        {
            yield return new((now - set.Stopped).TotalSeconds, new KeyValuePair<string, object?>("kind", "physical"));
        }
    }

    private IEnumerable<Measurement<int>> Verification()
    {
        if (_view?.Backups.Archives is not [.., var newest])
        {
            return [];
        }

        var result = newest.Verified switch { true => "passed", false => "failed", null => "unverified" };
        return _verifications.Select(r => new Measurement<int>(r == result ? 1 : 0, new KeyValuePair<string, object?>("result", r)));
    }

    private IEnumerable<Measurement<double>> WalLag() =>
        _view?.WalArchiving?.LagSeconds is { } lag ? [new(lag)] : [];

    private IEnumerable<Measurement<long>> WalFailures() =>
        _view?.WalArchiving?.FailedCount is { } failed ? [new(failed)] : [];

    private IEnumerable<Measurement<int>> OpenIncidents()
    {
        if (_view is not { } view)
        {
            return [];
        }

        var open = view.Incidents.GroupBy(incident => incident.LevelName ?? "none").ToDictionary(level => level.Key, level => level.Count());
        lock (_levelsSeen)
        {
            _levelsSeen.UnionWith(open.Keys);
            return [.. _levelsSeen.Select(level => new Measurement<int>(open.GetValueOrDefault(level), new KeyValuePair<string, object?>("level", level)))];
        }
    }
}
