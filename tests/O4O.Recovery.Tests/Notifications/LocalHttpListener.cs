using System.Collections.Concurrent;
using System.Net;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Notifications;

/// <summary>A real HTTP server on 127.0.0.1 that records every request body and answers <see cref="Status"/>.</summary>
internal sealed class LocalHttpListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public LocalHttpListener(int? port = null)
    {
        Port = port ?? FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/hook");

    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    public ConcurrentQueue<(string Method, string ContentType, string Body)> Requests { get; } = new();

    /// <summary>Waits (real time) until <paramref name="count"/> requests arrived.</summary>
    public async Task WaitForAsync(int count, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (Requests.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(Requests.Count >= count, $"expected {count} requests, got {Requests.Count}");
    }

    public void Dispose()
    {
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            Requests.Enqueue((context.Request.HttpMethod, context.Request.ContentType ?? "", await reader.ReadToEndAsync()));
            context.Response.StatusCode = (int)Status;
            context.Response.Close();
        }
    }
}
