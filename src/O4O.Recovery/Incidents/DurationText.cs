using System.Globalization;
using O4O.Recovery.Resources;

namespace O4O.Recovery.Incidents;

/// <summary>Durations as the runbook writes them: "1 h 30 min" in English, "1시간 30분" in Korean.</summary>
public static class DurationText
{
    /// <summary>Formats <paramref name="duration"/> for <paramref name="culture"/> (Korean when its language is "ko").</summary>
    public static string Format(TimeSpan duration, CultureInfo culture)
    {
        var parts = new List<string>();
        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            parts.Add(Unit("Duration.Hours", hours, culture));
        }

        if (duration.Minutes > 0)
        {
            parts.Add(Unit("Duration.Minutes", duration.Minutes, culture));
        }

        if (hours == 0 && (duration.Seconds > 0 || parts.Count == 0))
        {
            parts.Add(Unit("Duration.Seconds", duration.Seconds, culture));
        }

        return string.Join(' ', parts);
    }

    private static string Unit(string name, long count, CultureInfo culture) =>
        string.Format(CultureInfo.InvariantCulture, RecoveryText.Get(name, culture), count);
}
