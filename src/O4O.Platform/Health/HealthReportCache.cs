using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace O4O.Platform.Health;

/// <summary>
/// Runs the health checks at most about twice a second however many callers ask, so a monitor polling hard never
/// becomes the database's heaviest client. A result older than <see cref="RefreshAfter"/> is still served while
/// one caller's request starts a fresh run in the background; only a result older than <see cref="MaxAge"/>
/// (or none yet) makes callers wait, and concurrent waiters share that one run.
/// </summary>
internal sealed class HealthReportCache(HealthCheckService checks, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMilliseconds(500);

    private readonly Lock _gate = new();
    private HealthResponse? _latest;
    private Task<HealthResponse>? _running;

    public async Task<HealthResponse> GetAsync(CancellationToken cancellationToken)
    {
        Task<HealthResponse> running;
        lock (_gate)
        {
            var age = _latest is null ? TimeSpan.MaxValue : time.GetUtcNow() - _latest.CheckedAt;
            if (age >= RefreshAfter)
            {
                _running ??= RunAsync();
            }

            if (age < MaxAge)
            {
                return _latest! with { AgeMs = Math.Round(age.TotalMilliseconds, 1) };
            }

            running = _running!;
        }

        return await running.WaitAsync(cancellationToken);
    }

    private async Task<HealthResponse> RunAsync()
    {
        await Task.Yield(); // leave the caller's lock before the checks start
        try
        {
            var report = await checks.CheckHealthAsync(CancellationToken.None);
            var response = ToResponse(report, time.GetUtcNow());
            lock (_gate)
            {
                _latest = response;
            }

            return response;
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }
        }
    }

    private static HealthResponse ToResponse(HealthReport report, DateTimeOffset checkedAt) => new(
        report.Status.ToString(),
        checkedAt,
        0,
        Math.Round(report.TotalDuration.TotalMilliseconds, 2),
        report.Entries.ToDictionary(
            entry => entry.Key,
            entry => new HealthCheckResponse(
                entry.Value.Status.ToString(),
                Math.Round(entry.Value.Duration.TotalMilliseconds, 2),
                entry.Value.Description,
                entry.Value.Data)));
}
