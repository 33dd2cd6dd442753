using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace O4O.Recovery.Supervision;

/// <summary>
/// The one check that a port the conductor is about to listen on (or start a child on) is free on 127.0.0.1, and the one
/// way to choose a free port for a server started a moment later (a point-in-time restore's side instance).
/// </summary>
internal static class LoopbackPort
{
    private const int Span = 12000;
    private static readonly HashSet<int> _chosen = [];

    /// <summary>
    /// A port nothing listens on now, below the kernel's ephemeral range (<c>ip_local_port_range</c>): a port the kernel
    /// hands out for port 0 is also what it hands to the next outgoing connection, so the server started on it a moment
    /// later could find it taken. Never the same port twice in one process.
    /// </summary>
    public static int Free()
    {
        var ephemeralStart = EphemeralStart();
        var first = Math.Max(1024, ephemeralStart - Span);
        lock (_chosen)
        {
            while (true)
            {
                var port = first + Random.Shared.Next(ephemeralStart - first);
                if (_chosen.Add(port) && IsFree(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>Binds <paramref name="port"/> for a moment, and lets it go.</summary>
    /// <param name="port">The port.</param>
    /// <param name="setting">The environment variable that moves it, e.g. <c>O4O__Database__Port</c>.</param>
    /// <exception cref="ComponentPortInUseException">Another process listens on it (or it is reserved).</exception>
    public static void EnsureFree(int port, string setting)
    {
        try
        {
            Bind(port);
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new ComponentPortInUseException(setting, port, exception);
        }
    }

    private static void Bind(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
    }

    private static bool IsFree(int port)
    {
        try
        {
            Bind(port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first ephemeral port (Linux's default 32768 when the setting cannot be read).</summary>
    private static int EphemeralStart()
    {
        const int LinuxDefault = 32768;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], CultureInfo.InvariantCulture, out var start) && start > 1025 ? start : LinuxDefault;
        }
        catch (IOException)
        {
            return LinuxDefault;
        }
    }
}
