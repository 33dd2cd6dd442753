using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace O4O.Platform.Health;

/// <summary>
/// Runs the health checks at most once per <see cref="MaxAge"/>, however many callers ask: a monitor polling
/// hard must not become the database's heaviest client. Concurrent callers share one run.
/// </summary>
internal sealed class HealthReportCache(HealthCheckService checks, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private (HealthReport Report, DateTimeOffset At)? _latest;
    private Task<(HealthReport Report, DateTimeOffset At)>? _running;

    public async Task<HealthResponse> GetAsync(CancellationToken cancellationToken)
    {
        Task<(HealthReport Report, DateTimeOffset At)> running;
        lock (_gate)
        {
            if (_latest is { } latest && time.GetUtcNow() - latest.At < MaxAge)
            {
                return ToResponse(latest.Report, latest.At);
            }

            running = _running ??= RunAsync();
        }

        var (report, at) = await running.WaitAsync(cancellationToken);
        return ToResponse(report, at);
    }

    private async Task<(HealthReport, DateTimeOffset)> RunAsync()
    {
        await Task.Yield(); // leave the lock before the checks start
        try
        {
            var report = await checks.CheckHealthAsync(CancellationToken.None);
            var result = (report, time.GetUtcNow());
            lock (_gate)
            {
                _latest = result;
            }

            return result;
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }
        }
    }

    private HealthResponse ToResponse(HealthReport report, DateTimeOffset at) => new(
        report.Status.ToString(),
        at,
        Math.Round((time.GetUtcNow() - at).TotalMilliseconds, 1),
        Math.Round(report.TotalDuration.TotalMilliseconds, 2),
        report.Entries.ToDictionary(
            entry => entry.Key,
            entry => new HealthCheckResponse(
                entry.Value.Status.ToString(),
                Math.Round(entry.Value.Duration.TotalMilliseconds, 2),
                entry.Value.Description,
                entry.Value.Data)));
}
