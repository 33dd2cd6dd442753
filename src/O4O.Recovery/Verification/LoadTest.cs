using System.Globalization;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Verification;

/// <summary>The runbook's <c>ab -n 1000 -c 10</c>, in-process: a bounded number of GETs by a fixed number of workers.</summary>
internal sealed class LoadTest(HttpClient client, Uri url, VerifyOptions options, TimeProvider time)
{
    /// <summary>Runs the load; passes when every request answered 2xx.</summary>
    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        var latencies = new double[Math.Max(options.LoadRequests, 0)];
        var next = -1;
        var failed = 0;
        string? firstError = null;
        var started = time.GetTimestamp();
        var workers = Enumerable.Range(0, Math.Max(options.LoadConcurrency, 1)).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < latencies.Length)
            {
                var sent = time.GetTimestamp();
                var error = await SendAsync(cancellationToken);
                latencies[index] = time.GetElapsedTime(sent).TotalMilliseconds;
                if (error is not null)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, error, null);
                }
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        var elapsed = time.GetElapsedTime(started);
        Array.Sort(latencies);
        var measurements = new Dictionary<string, double>
        {
            ["requests"] = latencies.Length,
            ["concurrency"] = options.LoadConcurrency,
            ["failed"] = failed,
            ["requestsPerSecond"] = elapsed > TimeSpan.Zero ? latencies.Length / elapsed.TotalSeconds : 0,
            ["p50Ms"] = Percentile(latencies, 0.50),
            ["p95Ms"] = Percentile(latencies, 0.95),
            ["p99Ms"] = Percentile(latencies, 0.99),
        };
        var detail = string.Format(CultureInfo.InvariantCulture,
            "{0} requests at concurrency {1} to {2}: {3} failed, {4:0} requests/s, p50 {5:0.0} ms, p95 {6:0.0} ms, p99 {7:0.0} ms{8}",
            latencies.Length, options.LoadConcurrency, url.AbsolutePath, failed, measurements["requestsPerSecond"], measurements["p50Ms"],
            measurements["p95Ms"], measurements["p99Ms"], firstError is null ? "" : $" (first failure: {firstError})");
        return new CheckResult("load", failed == 0 && latencies.Length > 0, detail, elapsed.TotalMilliseconds, measurements);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    private async Task<string?> SendAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.RequestTimeout);
            using var response = await client.GetAsync(url, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode}";
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return exception is OperationCanceledException ? $"no answer within {options.RequestTimeout}" : exception.Message;
        }
    }
}
