using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace O4O.Platform.Health;

/// <summary>The process's memory against what the runtime may use: the runbook's OOM post-mortem starts here.</summary>
internal sealed class MemoryHealthCheck : IHealthCheck
{
    private const double DegradedShare = 0.9;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var workingSet = Environment.WorkingSet;
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var data = new Dictionary<string, object>
        {
            ["workingSetBytes"] = workingSet,
            ["gcHeapBytes"] = GC.GetTotalMemory(forceFullCollection: false),
            ["availableBytes"] = available,
        };
        return Task.FromResult(workingSet > available * DegradedShare
            ? HealthCheckResult.Degraded("Working set above 90% of available memory", data: data)
            : HealthCheckResult.Healthy("Within limits", data));
    }
}
