using System.Net;
using System.Net.Sockets;

namespace O4O.Tests.Shared;

/// <summary>
/// A TCP proxy on loopback in front of a server (TLS passes through untouched) whose upstream direction — what a client
/// sends — is held to <see cref="BytesPerSecond"/> across all its connections: a slow uplink, so that a test can act while
/// an upload is surely in the middle of its parts.
/// </summary>
public sealed class SlowLink : IDisposable
{
    private const int Chunk = 16 << 10;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Lock _pace = new();
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    /// <summary>Forwards each connection to <c>localhost:<paramref name="targetPort"/></c>.</summary>
    public SlowLink(int targetPort, long bytesPerSecond)
    {
        _target = targetPort;
        BytesPerSecond = bytesPerSecond;
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>The rate of the client-to-server direction, shared by all connections.</summary>
    public long BytesPerSecond { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The endpoint URL, by host name as the off-site settings take it (the test certificate names localhost).</summary>
    public string Endpoint => $"https://localhost:{Port}";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_open)
        {
            _open.ForEach(client => client.Dispose());
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception stopped) when (stopped is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var server = new TcpClient();
        lock (_open)
        {
            _open.Add(client);
            _open.Add(server);
        }

        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            // Either direction ending ends the connection, as a real link's close does.
            await Task.WhenAny(PumpAsync(client.GetStream(), server.GetStream(), paced: true), PumpAsync(server.GetStream(), client.GetStream(), paced: false));
        }
        catch (Exception ended) when (ended is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client, the server or the test ended it.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool paced)
    {
        var buffer = new byte[Chunk];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (paced)
                {
                    await Task.Delay(Due(read) - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero, _stop.Token);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ended) when (ended is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The other side closed, or the test ended it.
        }
    }

    // When this many bytes may go, after those already given their turn: one queue for every connection.
    private DateTimeOffset Due(int bytes)
    {
        lock (_pace)
        {
            var now = DateTimeOffset.UtcNow;
            _next = (_next > now ? _next : now) + TimeSpan.FromSeconds((double)bytes / BytesPerSecond);
            return _next;
        }
    }
}
