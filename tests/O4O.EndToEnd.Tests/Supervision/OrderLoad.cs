using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// Customers placing orders as a careful client does, and shoppers reading the product list, on keep-alive connections.
/// Each order has its own Idempotency-Key; an attempt that did not get its answer (a refused or reset connection, a
/// timeout, a 5xx or any other unexpected status) is written down and the order sent again with the same key until the
/// platform answers, so every order the platform acknowledged is known.
/// </summary>
internal sealed class OrderLoad(IReadOnlyList<HttpClient> customers, long productId, IReadOnlyList<HttpClient>? shoppers = null)
{
    /// <summary>Orders acknowledged (201, or 200 for the same key answered again after a retry), by Idempotency-Key, with the time of the answer.</summary>
    public ConcurrentDictionary<string, (long Id, DateTime AnsweredAt)> Created { get; } = new();

    /// <summary>Every request that did not get its answer, starting with its time (HH:mm:ss.fff, UTC) and saying what happened.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Requests answered as expected: orders acknowledged and product lists served.</summary>
    public int Answered => _answered;

    /// <summary>Order attempts sent again with the same key.</summary>
    public int Retries => _retries;

    private int _answered;
    private int _retries;

    /// <summary>Each customer places orders and each shopper browses until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll([
            .. customers.Select(customer => Task.Run(() => PlaceUntilAsync(customer, stop), CancellationToken.None)),
            .. (shoppers ?? []).Select(shopper => Task.Run(() => BrowseUntilAsync(shopper, stop), CancellationToken.None)),
        ]);

    private async Task PlaceUntilAsync(HttpClient customer, CancellationToken stop)
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
                if (await SendAsync(customer, request, HttpStatusCode.Created, HttpStatusCode.OK) is { } answered)
                {
                    var id = (await answered.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("id").GetInt64();
                    Created[key] = (id, DateTime.UtcNow);
                    answered.Dispose();
                    break;
                }

                Interlocked.Increment(ref _retries);
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

    private async Task<HttpResponseMessage?> SendAsync(HttpClient client, HttpRequestMessage request, params HttpStatusCode[] expected)
    {
        try
        {
            var response = await client.SendAsync(request, CancellationToken.None);
            if (expected.Contains(response.StatusCode))
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
