namespace O4O.Recovery.Postgres;

/// <summary>The managed PostgreSQL cluster could not be initialised or started; the message says why in one line.</summary>
public sealed class ClusterStartException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The TCP port chosen for the managed cluster is already taken by another process.</summary>
/// <param name="port">The occupied port.</param>
public sealed class PortInUseException(int port) : Exception($"Port {port} on 127.0.0.1 is already in use.")
{
    /// <summary>The occupied port.</summary>
    public int Port { get; } = port;
}
