using System.Net;
using System.Net.Sockets;

namespace O4O.Recovery.Supervision;

/// <summary>The one check that a port the conductor is about to listen on (or start a child on) is free on 127.0.0.1.</summary>
internal static class LoopbackPort
{
    /// <summary>Binds <paramref name="port"/> for a moment, and lets it go.</summary>
    /// <param name="port">The port.</param>
    /// <param name="setting">The environment variable that moves it, e.g. <c>O4O__Database__Port</c>.</param>
    /// <exception cref="ComponentPortInUseException">Another process listens on it (or it is reserved).</exception>
    public static void EnsureFree(int port, string setting)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new ComponentPortInUseException(setting, port, exception);
        }
    }
}
