using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Patroni;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// The runbook's phase-1 assessment: every component probed directly (so it works with no conductor), merged with what
/// the running conductor knows (since when, restarts, last error, failure type) and the backups' freshness.
/// </summary>
internal static class StatusAssessment
{
    private static readonly TimeSpan _probeTimeout = TimeSpan.FromSeconds(3);

    public static async Task<StatusReport> AssessAsync(CliContext context, CancellationToken cancellationToken)
    {
        var conductor = ConductorRecord.ReadRunning(context.Home);
        var databaseOptions = context.Bind<DatabaseOptions>(DatabaseOptions.Section);
        var database = DatabaseTarget.ForPlatform(context.Home, databaseOptions, conductor?.Database.Port);
        var baseAddress = PlatformLaunch.BaseAddressFor(conductor?.Platform.Port ?? context.Bind<PlatformOptions>(PlatformOptions.Section).Port);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var supervised = conductor is null ? null : await ConductorQuery.StatusAsync(context.Home, cancellationToken);
        // The conductor's own settings: this shell may lack the O4O__* variables it was started with.
        var nginx = supervised?.Configuration?.Nginx ?? context.Bind<NginxOptions>(NginxOptions.Section);
        // First: it may put right a restore killed mid-swap, which the probes would otherwise report as it was.
        var restores = await StatusRestores.AssessAsync(context, conductor?.Database.Port, cancellationToken);
        var probes = await Task.WhenAll([
            MeasureWarmAsync(() => ComponentProbes.DatabaseAsync(database, _probeTimeout, cancellationToken)),
            MeasureWarmAsync(() => ComponentProbes.PlatformAsync(client, baseAddress, _probeTimeout, cancellationToken)),
            PageAsync(client, "admin", new Uri(baseAddress, "admin"), cancellationToken),
            PageAsync(client, "site", baseAddress, cancellationToken),
            .. nginx.Enabled ? [NginxAsync(context.Home, nginx, cancellationToken)] : Array.Empty<Task<ComponentHealth>>(),
            // The instances after the first (Platform:Instances), each on its own port.
            .. Enumerable.Range(1, (supervised?.Configuration?.PlatformInstances ?? 1) - 1).Select(async index =>
                await ComponentProbes.PlatformAsync(client, PlatformLaunch.BaseAddressFor(baseAddress.Port + index), _probeTimeout, cancellationToken)
                    with { Name = PlatformInstances.NameOf(index) }),
        ]);
        var damage = await OpenDamageAsync(context.Home, cancellationToken) ?? MissingSchema(probes);
        var backups = await StatusBackups.AssessAsync(context, cancellationToken);
        var (archiving, archivingRow) = await StatusWalArchiving.AssessAsync(context, database, cancellationToken);
        ComponentStatus[] reported = [.. backups, .. archivingRow is null ? Array.Empty<ComponentStatus>() : [archivingRow], .. Isolated(context.Home)];
        // The conductor's watch when it runs (it also lists members Patroni dropped); Patroni's REST API directly without one.
        var patroni = supervised?.Patroni
            ?? (databaseOptions.IsPatroni ? await PatroniRest.For(databaseOptions).ObserveAsync(context.Time.GetUtcNow(), cancellationToken) : null);
        return StatusReport.From(conductor, supervised, probes, damage, reported, restores) with { WalArchiving = archiving, Patroni = patroni };
    }

    // This process's first connection pays for loading and compiling the client code (hundreds of milliseconds for
    // Npgsql): a component that answered is measured once more, so the time shown is the component's own.
    private static async Task<ComponentHealth> MeasureWarmAsync(Func<Task<ComponentHealth>> probe)
    {
        var first = await probe();
        return first.State == HealthState.Down ? first : await probe();
    }

    // The admin console answers 200, or redirects to its sign-in page; the storefront answers 200.
    private static async Task<ComponentHealth> PageAsync(HttpClient client, string name, Uri url, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_probeTimeout);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            return status is 200 or 302
                ? new ComponentHealth(name, HealthState.Healthy, url.ToString(), started.Elapsed, null)
                : new ComponentHealth(name, HealthState.Down, url.ToString(), null, $"HTTP {status} from {url.AbsolutePath}");
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ComponentHealth(name, HealthState.Down, url.ToString(), null, ProbeResult.Failed(started.Elapsed, exception).Error);
        }
    }

    private static async Task<ComponentHealth> NginxAsync(O4OHome home, NginxOptions options, CancellationToken cancellationToken)
    {
        using var nginx = new NginxChild(home, options, platformPorts: [], new SupervisionOptions());
        var probe = await nginx.ProbeAsync(_probeTimeout, cancellationToken);
        return new ComponentHealth(NginxChild.Component, probe.Healthy ? HealthState.Healthy : HealthState.Down,
            string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{options.Port} (api.{options.Domain})"), probe.Healthy ? probe.Elapsed : null, probe.Error);
    }

    /// <summary>The <c>isolation</c> row while the shop is isolated (<c>o4o isolate on</c>); none otherwise.</summary>
    private static ComponentStatus[] Isolated(O4OHome home) =>
        Recovery.Containment.Isolation.Read(home) is { } isolated
            ? [new ComponentStatus(Recovery.Containment.IsolationRecord.Component, HealthState.Down, Recovery.Containment.Isolation.FlagFile(home), null, null,
                Text.Format(Strings.StatusIsolated, isolated.By, isolated.At.UtcDateTime)) { Since = isolated.At }]
            : [];

    // With no detection on record (no conductor, or before its next look), the platform's readiness may name the loss.
    private static RecoveryEvent? MissingSchema(IEnumerable<ComponentHealth> probes) =>
        probes.Select(probe => PlatformReadiness.MissingSchema(probe.Error)).FirstOrDefault(missing => missing is not null) is { } evidence
            ? new RecoveryEvent(DateTimeOffset.UtcNow, Conductor.DatabaseComponent, RecoveryEventKind.Detected, $"readiness: {evidence}", FailureType: FailureType.DataLoss)
            : null;

    /// <summary>The last detection of database damage or data loss not followed by a recovery of the database, from the event log.</summary>
    internal static async Task<RecoveryEvent?> OpenDamageAsync(O4OHome home, CancellationToken cancellationToken)
    {
        if (!File.Exists(home.StateDatabase))
        {
            return null;
        }

        var events = await new EventLog(home.StateDatabase).RecentAsync(200, cancellationToken);
        var last = events.LastOrDefault(e => e.Component == Conductor.DatabaseComponent
            && (e.FailureType is FailureType.DatabaseDamage or FailureType.DataLoss || e.Kind == RecoveryEventKind.Recovered));
        return last?.FailureType is FailureType.DatabaseDamage or FailureType.DataLoss ? last : null;
    }
}
