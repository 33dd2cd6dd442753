using System.ComponentModel.DataAnnotations;
namespace O4O.Recovery.Dashboard;

/// <summary>The conductor's monitoring dashboard (section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Dashboard";

    /// <summary>The HTTP port (<c>O4O__Dashboard__Port</c>); 0 turns the dashboard off.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 4001;

    /// <summary>The address to listen on: loopback unless configured (put a TLS proxy in front to expose it).</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>
    /// Where people reach the dashboard (<c>O4O__Dashboard__Url</c>), when a proxy serves it elsewhere; otherwise
    /// <see cref="Address"/> and <see cref="Port"/>.
    /// </summary>
    public Uri? Url { get; set; }

    /// <summary>Sign-in attempts one client address may make per <see cref="SignInWindow"/>; more are answered 429.</summary>
    [Range(1, int.MaxValue)]
    public int SignInPermitLimit { get; set; } = 10;

    /// <summary>The window of <see cref="SignInPermitLimit"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a sign-in lasts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// How often a session opened with a platform admin's token reads the admin's account again (a lock, demotion or
    /// revocation on the platform ends it); every action reads it too.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan AdminRecheckEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each component's response time is sampled for the chart.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan SampleEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How much chart history is kept in memory.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan History { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The address the platform's console links to: <see cref="Url"/>, else where it listens; null when it is off.</summary>
    public Uri? Link()
    {
        if (Port == 0 || Url is not null)
        {
            return Port == 0 ? null : Url;
        }

        // A dashboard listening on every interface is reachable on loopback, where the platform's admins are.
        var host = Address is "0.0.0.0" or "::" or "[::]" ? "127.0.0.1" : Address;
        return new UriBuilder(Uri.UriSchemeHttp, host, Port).Uri;
    }
}
