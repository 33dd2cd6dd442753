using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// Customers placing orders as a careful client does: each order has its own Idempotency-Key, and a request that
/// fails on the connection is sent again with the same key until the platform answers.
/// </summary>
internal sealed class OrderLoad(IReadOnlyList<HttpClient> customers, long productId)
{
    /// <summary>Orders answered 201 (or 200 for a retry), by Idempotency-Key, with the time of the answer.</summary>
    public ConcurrentDictionary<string, (long Id, DateTime AnsweredAt)> Created { get; } = new();

    public int Retries => _retries;

    private int _retries;

    /// <summary>Each customer places orders until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(customers.Select(customer => Task.Run(() => PlaceUntilAsync(customer, stop), CancellationToken.None)));

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
                try
                {
                    using var response = await customer.SendAsync(request, CancellationToken.None);
                    // 200 is the same order answered again after a retry whose first answer was lost: acknowledged all the
                    // same. 503 is a platform whose database is not back yet.
                    if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                    {
                        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("id").GetInt64();
                        Created[key] = (id, DateTime.UtcNow);
                        break;
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    // The connection broke: the same key again, once the platform is back.
                }

                Interlocked.Increment(ref _retries);
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }
}
