using System.ComponentModel.DataAnnotations;
namespace O4O.Recovery.Configuration;

/// <summary>The <c>Notifications</c> section: named channels and how the outbox retries them.</summary>
public sealed class NotificationOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Notifications";

    /// <summary>Channels by name, e.g. <c>"ops": { "Type": "webhook", "Url": "https://hooks.example.com/o4o" }</c>.</summary>
    public Dictionary<string, ChannelOptions> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The wait after a channel's first failed delivery; it doubles with every further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan RetryFirst { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between attempts: a channel that is down is retried at least this often, forever.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one delivery may take before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each channel looks for messages to deliver.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>One notification channel.</summary>
public sealed class ChannelOptions
{
    /// <summary><c>webhook</c> (the notification as JSON), <c>slack</c> (<c>{"text": ...}</c>), <c>email</c> (SMTP) or <c>command</c>.</summary>
    public string Type { get; set; } = "webhook";

    /// <summary>webhook and slack: the URL posted to.</summary>
    public Uri? Url { get; set; }

    /// <summary>email: the SMTP server.</summary>
    public string? Host { get; set; }

    /// <summary>email: the SMTP port (25; 587 with STARTTLS; 465 with TLS).</summary>
    public int Port { get; set; } = 25;

    /// <summary>email: the account, when the server wants one.</summary>
    public string? Username { get; set; }

    /// <summary>email: the account's password (never logged).</summary>
    public string? Password { get; set; }

    /// <summary>email: the sender address.</summary>
    public string From { get; set; } = "o4o@localhost";

    /// <summary>email: the recipients.</summary>
    public List<string> To { get; set; } = [];

    /// <summary>command: the program, given the notification as JSON on standard input.</summary>
    public string? Command { get; set; }

    /// <summary>command: its arguments.</summary>
    public List<string> Arguments { get; set; } = [];
}

/// <summary>The <c>Heartbeat</c> section: the dead man's switch an outside monitor watches.</summary>
public sealed class HeartbeatOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Heartbeat";

    /// <summary>The URL called while the conductor is alive; no heartbeat when empty.</summary>
    public Uri? Url { get; set; }

    /// <summary>How often it is called.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one call may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "36500.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
