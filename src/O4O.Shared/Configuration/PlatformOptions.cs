using System.ComponentModel.DataAnnotations;
namespace O4O.Recovery.Configuration;

/// <summary>The <c>Platform</c> section: the web application the conductor runs.</summary>
public sealed class PlatformOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Platform";

    /// <summary>
    /// The setting that names the one proxy whose <c>X-Forwarded-For</c> the platform believes; empty trusts nobody.
    /// Always set by the conductor (<c>PlatformLaunch</c>), so a client on the same machine cannot pass for another address.
    /// </summary>
    public const string TrustedProxySetting = "Platform:TrustedProxy";

    /// <summary>The HTTP port on 127.0.0.1 (<c>O4O__Platform__Port</c>).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 4000;

    /// <summary>
    /// How many platform processes the conductor runs (<c>O4O__Platform__Instances</c>): on <see cref="Port"/> and the
    /// ports after it, behind nginx's upstream, so a process that dies costs no request.
    /// </summary>
    [Range(1, 16)]
    public int Instances { get; set; } = 1;

    /// <summary>The platform's entry assembly (<c>O4O.Platform.dll</c>); found beside the CLI's build when unset.</summary>
    public string? Assembly { get; set; }

    /// <summary>How long the platform may take to answer its liveness probe after a start.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a release being switched away from keeps answering, with <c>Connection: close</c> on every answer and
    /// nothing new accepted, before it is stopped: long enough for each keep-alive client to make one more request and
    /// reconnect to the new release (<c>O4O__Platform__DrainPeriod</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DrainPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
