using System.Diagnostics;
using System.Net.Http.Json;
using O4O.Recovery.Configuration;
using O4O.Recovery.Verification;

namespace O4O.Recovery.Supervision;

/// <summary>
/// What a release must pass on its private port before it gets any traffic: readiness (its database, schema, disk and
/// memory), the smoke-test account's sign-in and the product list — the runbook's phase 4 in the few checks that take
/// no shop data and no time. Returns null when it passed, else the first failure in one line.
/// </summary>
internal sealed class SwitchGate(O4OHome home, TimeSpan readinessWait)
{
    private static readonly TimeSpan _requestTimeout = TimeSpan.FromSeconds(10);

    public async Task<string?> CheckAsync(Uri address, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = _requestTimeout };
        try
        {
            if (await ReadyAsync(client, cancellationToken) is { } unready)
            {
                return unready;
            }

            if (SmokeTestAccount.ReadPassword(home) is not { } password)
            {
                return "no smoke-test account to sign in with (the platform never started in this home)";
            }

            using (var login = await client.PostAsJsonAsync("api/v1/auth/login", new { email = SmokeTestAccount.Email, password }, cancellationToken))
            {
                if (!login.IsSuccessStatusCode || !(await login.Content.ReadAsStringAsync(cancellationToken)).Contains("\"token\"", StringComparison.Ordinal))
                {
                    return $"the smoke-test sign-in failed: POST /api/v1/auth/login → {(int)login.StatusCode}";
                }
            }

            using var products = await client.GetAsync("api/v1/products", cancellationToken);
            return products.IsSuccessStatusCode ? null : $"the product list failed: GET /api/v1/products → {(int)products.StatusCode}";
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return $"no answer on its private port: {exception.Message}";
        }
    }

    // Readiness may trail liveness by a health-check round; a release that stays unready is refused with the report.
    private async Task<string?> ReadyAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var ready = await client.GetAsync("api/health/ready", cancellationToken);
            if (ready.IsSuccessStatusCode)
            {
                return null;
            }

            if (waited.Elapsed >= readinessWait)
            {
                var body = await ready.Content.ReadAsStringAsync(cancellationToken);
                return $"not ready: GET /api/health/ready → {(int)ready.StatusCode} {body[..Math.Min(body.Length, 300)]}";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }
}
