using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Monitoring;

namespace O4O.Cli.Commands;

/// <summary>Human formats for sizes and ages (backup list, restore cleanup, status).</summary>
internal static class Sizes
{
    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    /// <summary>What a backup's space estimate was taken from, in the reader's words.</summary>
    public static string EstimatedFrom(SpaceEstimate from) =>
        from == SpaceEstimate.PreviousArchive ? Strings.SpaceEstimatePreviousArchive : Strings.SpaceEstimateDatabaseSize;

    public static string Age(TimeSpan age) => age switch
    {
        { TotalDays: >= 2 } => string.Create(CultureInfo.InvariantCulture, $"{age.TotalDays:0}d"),
        { TotalHours: >= 2 } => string.Create(CultureInfo.InvariantCulture, $"{age.TotalHours:0}h"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{age.TotalMinutes:0}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, age.TotalSeconds):0}s"),
    };
}
