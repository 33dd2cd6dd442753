using System.ComponentModel.DataAnnotations;

namespace O4O.Recovery.Configuration;

/// <summary>The <c>Releases</c> section as the conductor reads it: the watch after a switch and its automatic rollback.</summary>
public sealed class ReleaseWatchOptions
{
    /// <summary>The configuration section name (<c>Releases:Keep</c> in it is the CLI's).</summary>
    public const string Section = "Releases";

    /// <summary>How long after a switch a crash, failing metrics or a 5xx rate above <see cref="ErrorRate"/> switch back; zero: no watch.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan WatchWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The share of requests answered 5xx over <see cref="RateWindow"/> above which the release is rolled back.</summary>
    [Range(0.0, 1.0)]
    public double ErrorRate { get; set; } = 0.05;

    /// <summary>The span the 5xx rate is taken over, a sliding window of the platform's own counts.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Fewer requests than this in <see cref="RateWindow"/> are no rate to act on.</summary>
    [Range(1, int.MaxValue)]
    public int MinimumRequests { get; set; } = 20;

    /// <summary>How often the platform's <c>/metrics</c> is read during the watch.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:01:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(1);
}
