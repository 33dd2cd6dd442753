using System.ComponentModel.DataAnnotations;
namespace O4O.Recovery.Configuration;

/// <summary>The <c>Nginx</c> section: the reverse proxy the conductor runs in front of the platform when enabled.</summary>
public sealed class NginxOptions : IValidatableObject
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Nginx";

    /// <summary>Run nginx (<c>O4O__Nginx__Enabled=true</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The address nginx listens on: 127.0.0.1 behind another proxy or firewall forwarding to it, <c>0.0.0.0</c> (or the
    /// machine's address) when it faces the internet itself.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The plain HTTP port; with <see cref="Certificate"/> set it only redirects to HTTPS.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>The HTTPS port, used when <see cref="Certificate"/> is set (443 in production).</summary>
    [Range(1, 65535)]
    public int HttpsPort { get; set; } = 8443;

    /// <summary>
    /// The TLS certificate (PEM, the full chain, covering <c>api.</c>, <c>admin.</c> and <c>www.</c> of the domain):
    /// set, the three hosts are served over HTTPS and plain HTTP redirects there. Readable by the conductor's user.
    /// </summary>
    public string? Certificate { get; set; }

    /// <summary>The certificate's private key (PEM), readable by the conductor's user alone.</summary>
    public string? CertificateKey { get; set; }

    /// <summary>The domain: <c>api.</c>, <c>admin.</c> and <c>www.</c> of it are the virtual hosts.</summary>
    public string Domain { get; set; } = "o4o.local";

    /// <summary>The nginx executable.</summary>
    public string Binary { get; set; } = "nginx";

    /// <summary>Whether the hosts are served over HTTPS.</summary>
    public bool Tls => !string.IsNullOrWhiteSpace(Certificate);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Tls != !string.IsNullOrWhiteSpace(CertificateKey))
        {
            yield return new ValidationResult("Certificate and CertificateKey are set together (both PEM files) or not at all.",
                [Tls ? nameof(CertificateKey) : nameof(Certificate)]);
        }

        if (Tls && HttpsPort == Port)
        {
            yield return new ValidationResult("HttpsPort must differ from Port.", [nameof(HttpsPort)]);
        }
    }
}
