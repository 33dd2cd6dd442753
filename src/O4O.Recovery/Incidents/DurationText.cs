using System.Globalization;

namespace O4O.Recovery.Incidents;

/// <summary>Durations as the runbook writes them: "1 h 30 min" in English, "1시간 30분" in Korean.</summary>
public static class DurationText
{
    /// <summary>Formats <paramref name="duration"/> for <paramref name="culture"/> (Korean when its language is "ko").</summary>
    public static string Format(TimeSpan duration, CultureInfo culture)
    {
        var korean = culture.TwoLetterISOLanguageName == "ko";
        var (hour, minute, second) = korean ? ("시간", "분", "초") : (" h", " min", " s");
        var parts = new List<string>();
        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{hours}{hour}"));
        }

        if (duration.Minutes > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{duration.Minutes}{minute}"));
        }

        if (hours == 0 && (duration.Seconds > 0 || parts.Count == 0))
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{duration.Seconds}{second}"));
        }

        return string.Join(' ', parts);
    }
}
