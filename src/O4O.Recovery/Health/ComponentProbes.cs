using O4O.Recovery.Supervision;

namespace O4O.Recovery.Health;

/// <summary>Probes each component the way its users reach it; used by <c>o4o status</c> and the supervisor.</summary>
public static class ComponentProbes
{
    /// <summary>The database: a fresh connection and the probe's query (<see cref="DatabaseProbe"/>).</summary>
    public static async Task<ComponentHealth> DatabaseAsync(DatabaseTarget target, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var result = await DatabaseProbe.ProbeAsync(target.ToConnectionString(), timeout, cancellationToken);
        return new ComponentHealth(Conductor.DatabaseComponent, result.Healthy ? HealthState.Healthy : HealthState.Down,
            target.Address, result.Healthy ? result.Elapsed : null, result.Error)
        {
            ServerAnswered = result.ServerAnswered,
        };
    }

    /// <summary>
    /// The platform: <c>/api/health/live</c> (is the process serving?), then <c>/api/health</c> (are its dependencies?).
    /// The response time is that of <c>/api/health</c>, the full check.
    /// </summary>
    public static async Task<ComponentHealth> PlatformAsync(HttpClient client, Uri baseAddress, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var address = baseAddress.ToString().TrimEnd('/');
        var live = await HttpProbe.ProbeAsync(client, new Uri(baseAddress, "api/health/live"), timeout, cancellationToken);
        if (!live.Healthy)
        {
            return new ComponentHealth(Conductor.PlatformComponent, HealthState.Down, address, null, live.Error);
        }

        var full = await HttpProbe.ProbeAsync(client, new Uri(baseAddress, "api/health"), timeout, cancellationToken);
        // "HTTP 503" says that a dependency failed; the platform's own report says which and why.
        var error = full.Healthy ? null
            : await PlatformReadiness.FailingCheckAsync(client, baseAddress, timeout, cancellationToken) is { } check ? $"{full.Error}: {check}"
            : full.Error;
        return new ComponentHealth(Conductor.PlatformComponent, full.Healthy ? HealthState.Healthy : HealthState.Degraded,
            address, full.Elapsed, error);
    }
}
