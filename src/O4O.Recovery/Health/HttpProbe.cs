using System.Diagnostics;

namespace O4O.Recovery.Health;

/// <summary>Probes an HTTP endpoint: healthy when it answers 200 within the timeout.</summary>
internal static class HttpProbe
{
    /// <summary>GETs <paramref name="url"/> with <paramref name="client"/>; any status but 200 is a failure naming the status.</summary>
    public static async Task<ProbeResult> ProbeAsync(HttpClient client, Uri url, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        return await ProbeAsync(client, request, timeout, alsoHealthy: null, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="request"/> (e.g. with a virtual host's Host header); healthy on 200 within the timeout, or on
    /// another answer <paramref name="alsoHealthy"/> accepts.
    /// </summary>
    public static async Task<ProbeResult> ProbeAsync(HttpClient client, HttpRequestMessage request, TimeSpan timeout,
        Func<HttpResponseMessage, bool>? alsoHealthy, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            return response.StatusCode == System.Net.HttpStatusCode.OK || alsoHealthy?.Invoke(response) == true
                ? new ProbeResult(true, clock.Elapsed, null)
                : new ProbeResult(false, clock.Elapsed, $"HTTP {(int)response.StatusCode} from {url.AbsolutePath}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(false, clock.Elapsed, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException exception)
        {
            return ProbeResult.Failed(clock.Elapsed, exception);
        }
    }
}
