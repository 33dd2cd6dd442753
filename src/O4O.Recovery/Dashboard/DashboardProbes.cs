using O4O.Recovery.Health;

namespace O4O.Recovery.Dashboard;

/// <summary>
/// Samples the response time of the API, the admin site, the main site and the database for the dashboard's chart.
/// Separate from supervision's probes on purpose: it measures what a user waits for, and never acts.
/// </summary>
internal sealed class DashboardProbes(Uri platform, string databaseConnectionString, DashboardOptions options, ResponseSamples samples, TimeProvider time)
{
    /// <summary>The components charted, with the path probed on the platform (null: the database).</summary>
    public static IReadOnlyList<(string Component, string? Path)> Targets { get; } =
        [("api", "api/health"), ("admin", "admin"), ("site", ""), ("database", null)];

    /// <summary>Samples every <see cref="DashboardOptions.SampleEvery"/> until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var client = new HttpClient();
        var timeout = TimeSpan.FromSeconds(Math.Min(options.SampleEvery.TotalSeconds, 2));
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.WhenAll(Targets.Select(async target =>
                {
                    var result = target.Path is { } path
                        ? await HttpProbe.ProbeAsync(client, new Uri(platform, path), timeout, stop)
                        : await DatabaseProbe.ProbeAsync(databaseConnectionString, timeout, stop);
                    samples.Add(target.Component, new ResponseSample(time.GetUtcNow(),
                        result.Healthy ? Math.Round(result.Elapsed.TotalMilliseconds, 1) : null, result.Error));
                }));
                await Task.Delay(options.SampleEvery, time, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The conductor stops.
        }
    }
}
