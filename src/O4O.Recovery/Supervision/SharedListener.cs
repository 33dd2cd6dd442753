using System.Net;
using System.Net.Sockets;
using O4O.Recovery.Configuration;
using O4O.Recovery.Switching;

namespace O4O.Recovery.Supervision;

/// <summary>
/// The public listening socket on 127.0.0.1:<c>Platform:Port</c>, created by the conductor and kept for its whole life
/// (DESIGN: the zero-downtime switch). Every platform process it starts receives a copy over the hand-off socket
/// <c>run/platform-listener.sock</c> (<see cref="ListenerHandOff"/>), so during a switch the old and the new release
/// accept from the same socket: a connection nobody has accepted yet waits in the kernel's queue, never refused, and
/// whichever release accepts it answers. nginx proxies to this same port, so a switch needs no upstream reload.
/// </summary>
internal sealed class SharedListener : IAsyncDisposable
{
    private const int Backlog = 1024;
    private readonly Lock _lock = new();
    private readonly int _port;
    private readonly Socket _handOff;
    private Socket? _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    private SharedListener(int port, Socket listener, Socket handOff, string handOffPath)
    {
        _port = port;
        _listener = listener;
        _handOff = handOff;
        HandOffPath = handOffPath;
        _serving = ServeAsync();
    }

    /// <summary>The hand-off socket's path, given to each platform in <c>O4O__Platform__HandOff</c>.</summary>
    public string HandOffPath { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => _port;

    /// <summary>
    /// Binds and listens on <paramref name="port"/>, and opens the hand-off socket of the platform instance
    /// <paramref name="instance"/> (<c>run/platform-listener.sock</c>, <c>run/platform-2-listener.sock</c>, …).
    /// </summary>
    /// <exception cref="ComponentPortInUseException">Another process listens on the port.</exception>
    public static SharedListener Open(O4OHome home, int port, string instance)
    {
        var listener = Listen(port);
        Directory.CreateDirectory(home.Run);
        var path = Path.Combine(home.Run, $"{instance}-listener.sock");
        File.Delete(path);
        var handOff = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        handOff.Bind(new UnixDomainSocketEndPoint(path));
        // Whoever connects receives the shop's listening socket: only this user.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        handOff.Listen(16);
        return new SharedListener(port, listener, handOff, path);
    }

    /// <summary>
    /// Closes the port while no platform will serve it (held down: AutoRecovery off, or paused): a client is refused at
    /// once, and nginx answers 502 at once, instead of waiting in the queue for a platform that is not coming.
    /// Only for when no platform holds a copy: closing shuts the socket down for every holder.
    /// </summary>
    public void Close()
    {
        lock (_lock)
        {
            _listener?.Dispose();
            _listener = null;
        }
    }

    /// <summary>Listens again after <see cref="Close"/>, before a platform is started.</summary>
    /// <exception cref="ComponentPortInUseException">Another process took the port meanwhile.</exception>
    public void EnsureOpen()
    {
        lock (_lock)
        {
            _listener ??= Listen(_port);
        }
    }

    private static Socket Listen(int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Only lets the bind past connections of a previous run in TIME_WAIT; Linux still refuses a second listener.
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen(Backlog);
            return listener;
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            listener.Dispose();
            throw new ComponentPortInUseException($"{O4OConfiguration.EnvironmentPrefix}Platform__Port", port, exception);
        }
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var connection = await _handOff.AcceptAsync(_stop.Token);
                lock (_lock)
                {
                    // Closed: the platform asking gets nothing, fails to start and the supervisor says so.
                    if (_listener is not null)
                    {
                        ListenerHandOff.Send(connection, _listener);
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (Exception exception) when (exception is SocketException or IOException)
            {
                // One platform that went away mid-hand-off; it fails to start and the supervisor says so. The next one is served.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _handOff.Dispose();
        await _serving;
        File.Delete(HandOffPath);
        // Last, after the platforms stopped: .NET shuts a close-on-exec socket down as it closes it.
        Close();
        _stop.Dispose();
    }
}
