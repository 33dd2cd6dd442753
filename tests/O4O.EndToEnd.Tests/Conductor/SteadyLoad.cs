using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace O4O.EndToEnd.Tests.Conductor;

/// <summary>
/// Customers placing orders (each with its own Idempotency-Key) and shoppers reading the product list, on keep-alive
/// connections, counting every request that did not get its answer: a refused or reset connection, a timeout, a 5xx or
/// any other unexpected status. A failed order is sent again with its key, so every order answered is known.
/// </summary>
internal sealed class SteadyLoad(IReadOnlyList<HttpClient> customers, IReadOnlyList<HttpClient> shoppers, long productId)
{
    /// <summary>Orders answered 201, by Idempotency-Key.</summary>
    public ConcurrentDictionary<string, long> Created { get; } = new();

    /// <summary>Every request that failed, with what happened.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public int Answered => _answered;

    private int _answered;

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll([
            .. customers.Select(customer => Task.Run(() => OrderUntilAsync(customer, stop), CancellationToken.None)),
            .. shoppers.Select(shopper => Task.Run(() => BrowseUntilAsync(shopper, stop), CancellationToken.None)),
        ]);

    private async Task OrderUntilAsync(HttpClient customer, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var key = Guid.NewGuid().ToString("N");
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/orders")
                {
                    Content = JsonContent.Create(new { items = new[] { new { productId, quantity = 1 } } }),
                };
                request.Headers.Add("Idempotency-Key", key);
                if (await SendAsync(customer, request, HttpStatusCode.Created) is { } created)
                {
                    Created[key] = (await created.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("id").GetInt64();
                    created.Dispose();
                    break;
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private async Task BrowseUntilAsync(HttpClient shopper, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/products");
            (await SendAsync(shopper, request, HttpStatusCode.OK))?.Dispose();
        }
    }

    private async Task<HttpResponseMessage?> SendAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
    {
        try
        {
            var response = await client.SendAsync(request, CancellationToken.None);
            if (response.StatusCode == expected)
            {
                Interlocked.Increment(ref _answered);
                return response;
            }

            Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {request.Method} {request.RequestUri} → {(int)response.StatusCode}");
            response.Dispose();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {request.Method} {request.RequestUri}: {exception.GetType().Name} {exception.Message}");
        }

        return null;
    }
}
