using System.ComponentModel.DataAnnotations;
namespace O4O.Recovery.Configuration;

/// <summary>The <c>Nginx</c> section: the reverse proxy the conductor runs in front of the platform when enabled.</summary>
public sealed class NginxOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Nginx";

    /// <summary>Run nginx (<c>O4O__Nginx__Enabled=true</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>The port nginx listens on, on 127.0.0.1 (a TLS terminator or firewall forwards to it).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>The domain: <c>api.</c>, <c>admin.</c> and <c>www.</c> of it are the virtual hosts.</summary>
    public string Domain { get; set; } = "o4o.local";

    /// <summary>The nginx executable.</summary>
    public string Binary { get; set; } = "nginx";
}
