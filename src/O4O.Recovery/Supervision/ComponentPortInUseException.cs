namespace O4O.Recovery.Supervision;

/// <summary>A component's port is taken; <see cref="Setting"/> names the environment variable that moves it.</summary>
/// <param name="setting">The setting to change, e.g. <c>O4O__Database__Port</c>.</param>
/// <param name="port">The occupied port.</param>
/// <param name="inner">The underlying failure, if any.</param>
public sealed class ComponentPortInUseException(string setting, int port, Exception? inner = null)
    : Exception($"Port {port} is in use: set {setting} to a free port.", inner)
{
    /// <summary>The setting that chooses the port, e.g. <c>O4O__Platform__Port</c>.</summary>
    public string Setting { get; } = setting;

    /// <summary>The occupied port.</summary>
    public int Port { get; } = port;
}

/// <summary>The platform could not be started or did not become live in time; the message says why in one line.</summary>
public sealed class PlatformStartException(string message) : Exception(message);
