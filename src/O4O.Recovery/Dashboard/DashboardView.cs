using System.Globalization;
using O4O.Recovery.Control;
using O4O.Recovery.Incidents;
using O4O.Recovery.Notifications;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Dashboard;

/// <summary>A component's row on the dashboard.</summary>
/// <param name="Name">api, admin, site, database, conductor, backups.</param>
/// <param name="Status">ok, warn or down: the colour.</param>
/// <param name="State">The supervisor's state (Running, Restarting, Down, ...), or the probe's.</param>
/// <param name="Since">Since when.</param>
/// <param name="Restarts">Restarts since the conductor started.</param>
/// <param name="LastError">The last failure seen, or null.</param>
/// <param name="Milliseconds">The last response time, or null.</param>
internal sealed record DashboardComponent(string Name, string Status, string State, DateTimeOffset Since, int Restarts, string? LastError, double? Milliseconds);

/// <summary>A restart, failure or recovery marked on the chart.</summary>
/// <param name="At">When.</param>
/// <param name="Component">The supervised component (platform, database).</param>
/// <param name="Kind">Detected, Action, Recovered, GaveUp.</param>
/// <param name="Text">What happened.</param>
internal sealed record ChartMark(DateTimeOffset At, string Component, string Kind, string Text);

/// <summary>Everything the page shows, polled as JSON.</summary>
/// <param name="Now">The conductor's clock.</param>
/// <param name="Actor">Who is signed in.</param>
/// <param name="Components">One row per component.</param>
/// <param name="Samples">The last hour of response times per charted component.</param>
/// <param name="Marks">Failures, restarts and recoveries of the last hour.</param>
/// <param name="AutoRecovery">The switch.</param>
/// <param name="Paused">Maintenance and restore pauses ("*" is everything).</param>
/// <param name="Incidents">Open incidents.</param>
/// <param name="Backups">The backup panel.</param>
/// <param name="Notifications">Why pages would reach nobody (shown as a warning), or null when every level has its channels.</param>
/// <param name="WalArchiving">The WAL-archiving card; null when archiving is off or the database is external.</param>
/// <param name="Releases">The release panel.</param>
/// <param name="Patroni">The Patroni members as the conductor's watch last read them; null outside Patroni mode.</param>
internal sealed record DashboardView(DateTimeOffset Now, string Actor, IReadOnlyList<DashboardComponent> Components,
    IReadOnlyDictionary<string, IReadOnlyList<ResponseSample>> Samples, IReadOnlyList<ChartMark> Marks, AutoRecoveryStatus AutoRecovery,
    IReadOnlyDictionary<string, string> Paused, IReadOnlyList<IncidentView> Incidents, BackupOverview Backups, NotificationGap? Notifications,
    WalArchivingCard? WalArchiving, ReleasePanel Releases, Patroni.PatroniObservation? Patroni)
{
    /// <summary>Builds the view from the conductor's state, the samples and the backups; incidents in <paramref name="culture"/>'s words.</summary>
    public static async Task<DashboardView> BuildAsync(DashboardContext context, string actor, CultureInfo culture, CancellationToken cancellationToken)
    {
        var state = context.State;
        var now = context.Time.GetUtcNow();
        var status = state.Status();
        var backups = await context.Backups.OverviewAsync(cancellationToken);
        var recent = await state.Events.RecentAsync(500, cancellationToken);
        // A switch's steps are on the release panel; the chart marks where a release took traffic, failed or was rolled back.
        var marks = recent
            .Where(e => e.At > now - context.Options.History
                && (e.Kind is RecoveryEventKind.Detected or RecoveryEventKind.Action or RecoveryEventKind.Recovered or RecoveryEventKind.GaveUp
                    && e.Component is Conductor.PlatformComponent or Conductor.DatabaseComponent
                    || e.Kind is RecoveryEventKind.Detected or RecoveryEventKind.Recovered or RecoveryEventKind.GaveUp && e.Component is Conductor.ReleasesComponent))
            .Select(e => new ChartMark(e.At, e.Component, e.Kind.ToString(), IncidentJournal.Describe(e)))
            .ToList();
        var components = new List<DashboardComponent>();
        foreach (var (name, _) in DashboardProbes.Targets)
        {
            var supervised = status.Components.FirstOrDefault(c => c.Name == (name == "database" ? Conductor.DatabaseComponent : Conductor.PlatformComponent));
            components.Add(Supervised(name, supervised, context.Samples.Latest(name), status.StartedAt));
        }

        // nginx and any other supervised child beside the database and the platform.
        components.AddRange(status.Components.Where(c => c.Name is not (Conductor.DatabaseComponent or Conductor.PlatformComponent))
            .Select(c => Supervised(c.Name, c, null, status.StartedAt)));
        components.Add(new DashboardComponent(Conductor.ConductorComponent, "ok", "Running", status.StartedAt, 0, null, null));
        // A background job is shown once it stopped after an error (and was restarted): the rest of the time it is just work.
        components.AddRange((status.Jobs ?? []).Where(job => job.LastErrorAt is not null)
            .Select(job => new DashboardComponent(job.Name, "warn", "RestartedAfterError", job.LastErrorAt!.Value, job.Restarts, job.LastError, null)));
        components.Add(BackupsCard(backups, status.StartedAt));
        if (Containment.Isolation.Read(context.Home) is { } isolated)
        {
            // Who isolated it is on the incident: the card has no "last error" to show.
            components.Add(new DashboardComponent(Containment.IsolationRecord.Component, "down", "Isolated", isolated.At, 0, null, null));
        }

        return new DashboardView(now, actor, components, context.Samples.All(), marks, status.AutoRecovery, status.Paused,
            [.. (await state.Incidents.OpenAsync(cancellationToken)).Select(view => InWords(view, culture))], backups, state.Incidents.NotificationGap,
            context.WalArchiving is { } archiving ? await archiving.ReadAsync(cancellationToken) : null,
            ReleasePanel.Build(context.Home, state.ReleaseWatch(), recent.Reverse()), status.Patroni);
    }

    private static IncidentView InWords(IncidentView view, CultureInfo culture) => view with
    {
        Incident = view.Incident with { Title = IncidentText.Title(view.Incident, culture) },
        Timeline = [.. view.Timeline.Select(entry => entry with { Text = IncidentText.Entry(entry, view.Incident, culture) })],
    };

    /// <summary>
    /// Red when the newest archive is suspicious or failed verification: the backup a restore would take cannot be trusted.
    /// </summary>
    private static DashboardComponent BackupsCard(BackupOverview backups, DateTimeOffset started)
    {
        var newest = backups.Archives.Count > 0 ? backups.Archives[^1] : null;
        if (newest?.Anomaly is { Suspicious: true } anomaly)
        {
            return new DashboardComponent("backups", "down", "NewestSuspicious", newest.CreatedAt, 0, string.Join("; ", anomaly.Reasons), null);
        }

        var (status, state) = newest?.Verified == false ? ("down", "NewestFailedVerification")
            : backups.Overdue ? ("warn", "Overdue")
            : (backups.Error is not null || backups.Job?.Succeeded == false ? "warn" : "ok", "OnSchedule");
        return new DashboardComponent("backups", status, state, newest?.CreatedAt ?? started, 0,
            backups.Error ?? (backups.Job?.Succeeded == false ? backups.Job.Outcome : newest?.Problem), null);
    }

    private static DashboardComponent Supervised(string name, ComponentSnapshot? snapshot, ResponseSample? sample, DateTimeOffset started)
    {
        var state = snapshot?.State ?? ComponentState.Starting;
        var status = state switch
        {
            ComponentState.Running when sample is { Milliseconds: null } => "warn",
            ComponentState.Running => "ok",
            ComponentState.Starting or ComponentState.Failing => "warn",
            _ => "down",
        };
        return new DashboardComponent(name, status, status == "warn" && state == ComponentState.Running ? "NotAnswering" : state.ToString(),
            snapshot?.Since ?? started, snapshot?.Restarts ?? 0, snapshot?.LastError ?? sample?.Error, sample?.Milliseconds);
    }
}
