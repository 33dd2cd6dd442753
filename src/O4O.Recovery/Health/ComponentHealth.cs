namespace O4O.Recovery.Health;

/// <summary>How a component answered its probes.</summary>
public enum HealthState
{
    /// <summary>Answered every probe.</summary>
    Healthy,

    /// <summary>Alive, but a dependency check failed (the platform's <c>/api/health</c> is not 200).</summary>
    Degraded,

    /// <summary>Did not answer.</summary>
    Down,
}

/// <summary>One component's health at one moment.</summary>
/// <param name="Name">The component, e.g. <c>database</c> or <c>platform</c>.</param>
/// <param name="State">How it answered.</param>
/// <param name="Address">Where it was probed.</param>
/// <param name="ResponseTime">How long the probe took; null when it did not answer.</param>
/// <param name="Error">Why it is not healthy, in one line; null when healthy.</param>
public sealed record ComponentHealth(string Name, HealthState State, string Address, TimeSpan? ResponseTime, string? Error)
{
    /// <inheritdoc cref="ProbeResult.ServerAnswered"/>
    public bool ServerAnswered { get; init; }
}
