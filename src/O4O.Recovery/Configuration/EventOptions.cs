using System.ComponentModel.DataAnnotations;

namespace O4O.Recovery.Configuration;

/// <summary>The <c>Events</c> section: how long the event log keeps its events.</summary>
public sealed class EventOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Events";

    /// <summary>How long events are kept (<c>O4O__Events__Retention</c>, default 90 days).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "36500.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);
}
