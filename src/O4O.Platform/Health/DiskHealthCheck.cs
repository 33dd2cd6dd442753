using Microsoft.Extensions.Diagnostics.HealthChecks;
using O4O.Recovery.Configuration;

namespace O4O.Platform.Health;

/// <summary>Free space where logs, backups and the managed cluster live.</summary>
internal sealed class DiskHealthCheck(O4OHome home) : IHealthCheck
{
    private const long LowSpaceBytes = 1L << 30;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var drive = new DriveInfo(home.Root);
        var data = new Dictionary<string, object>
        {
            ["path"] = home.Root,
            ["freeBytes"] = drive.AvailableFreeSpace,
            ["totalBytes"] = drive.TotalSize,
        };
        return Task.FromResult(drive.AvailableFreeSpace < LowSpaceBytes
            ? HealthCheckResult.Degraded("Less than 1 GiB free", data: data)
            : HealthCheckResult.Healthy("Enough free space", data));
    }
}
