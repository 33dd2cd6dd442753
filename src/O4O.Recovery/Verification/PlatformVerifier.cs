using System.Globalization;
using System.Net.Http.Json;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Verification;

/// <summary>
/// The runbook's phase 4 against the platform's HTTP interface: health, products, a smoke-test login, the admin
/// console, the storefront, ten timed health requests and a bounded load test.
/// </summary>
public sealed class PlatformVerifier(HttpClient client, Uri baseAddress, VerifyOptions options, TimeProvider time)
{
    /// <summary>Runs every HTTP check in order; a check never throws, it fails with the reason.</summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var checks = new List<CheckResult>
        {
            await GetAsync("health", "api/health", cancellationToken),
            await GetAsync("products", "api/v1/products", cancellationToken),
            await LoginAsync(cancellationToken),
            await GetAsync("admin", "admin", cancellationToken),
            await GetAsync("storefront", "", cancellationToken),
            await TimedHealthAsync(cancellationToken),
        };
        checks.Add(await new LoadTest(client, new Uri(baseAddress, "api/health"), options, time).RunAsync(cancellationToken));
        return checks;
    }

    private Task<CheckResult> GetAsync(string name, string path, CancellationToken cancellationToken) =>
        TimedAsync(name, async token =>
        {
            using var response = await client.GetAsync(new Uri(baseAddress, path), token);
            return ((int)response.StatusCode < 300, $"GET /{path} → {(int)response.StatusCode}");
        }, cancellationToken);

    private Task<CheckResult> LoginAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Email) || string.IsNullOrEmpty(options.Password))
        {
            return Task.FromResult(new CheckResult("login", false,
                $"not checked: no smoke-test account (set {O4OConfiguration.EnvironmentPrefix}Verify__Email and {O4OConfiguration.EnvironmentPrefix}Verify__Password)", 0));
        }

        return TimedAsync("login", async token =>
        {
            using var response = await client.PostAsJsonAsync(new Uri(baseAddress, "api/v1/auth/login"),
                new { email = options.Email, password = options.Password }, token);
            var body = await response.Content.ReadAsStringAsync(token);
            var passed = response.IsSuccessStatusCode && body.Contains("\"token\"", StringComparison.OrdinalIgnoreCase);
            return (passed, $"POST /api/v1/auth/login as {options.Email} → {(int)response.StatusCode}" + (passed ? ", token issued" : ""));
        }, cancellationToken);
    }

    private async Task<CheckResult> TimedHealthAsync(CancellationToken cancellationToken)
    {
        var times = new List<double>();
        var failures = 0;
        for (var i = 0; i < options.HealthRequests; i++)
        {
            var result = await GetAsync("health", "api/health", cancellationToken);
            times.Add(result.DurationMs);
            failures += result.Passed ? 0 : 1;
        }

        var measurements = new Dictionary<string, double>
        {
            ["requests"] = times.Count,
            ["failed"] = failures,
            ["minMs"] = times.DefaultIfEmpty().Min(),
            ["averageMs"] = times.DefaultIfEmpty().Average(),
            ["maxMs"] = times.DefaultIfEmpty().Max(),
        };
        var detail = string.Format(CultureInfo.InvariantCulture, "{0} requests, {1} failed; min {2:0.0} ms, average {3:0.0} ms, max {4:0.0} ms",
            times.Count, failures, measurements["minMs"], measurements["averageMs"], measurements["maxMs"]);
        return new CheckResult("response-time", failures == 0 && times.Count > 0, detail, times.Sum(), measurements);
    }

    private async Task<CheckResult> TimedAsync(string name, Func<CancellationToken, Task<(bool Passed, string Detail)>> check,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.RequestTimeout);
            var (passed, detail) = await check(timeout.Token);
            return new CheckResult(name, passed, detail, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = exception is OperationCanceledException ? $"no answer within {options.RequestTimeout}" : exception.Message;
            return new CheckResult(name, false, $"failed: {why}", time.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
