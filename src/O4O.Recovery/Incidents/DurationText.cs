using System.Globalization;
using System.Text.RegularExpressions;
using O4O.Recovery.Resources;

namespace O4O.Recovery.Incidents;

/// <summary>Durations as the runbook writes them: "1 h 30 min" in English, "1시간 30분" in Korean.</summary>
public static class DurationText
{
    // The English units, each optional but one, separated by a space: "1 h 30 min", "15 min", "45 s".
    private static readonly Lazy<Regex> _english = new(() => new Regex(
        $"^(?=\\d)(?:{UnitPattern("Hours", "h")} ?)?(?:{UnitPattern("Minutes", "m")} ?)?(?:{UnitPattern("Seconds", "s")})?(?<!\\s)$"));

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

    /// <summary>Reads a duration <see cref="Format"/> wrote in English ("1 h 30 min", "45 s").</summary>
    internal static bool TryParse(string text, out TimeSpan duration)
    {
        var match = _english.Value.Match(text);
        duration = match.Success
            ? new TimeSpan(Count(match, "h"), Count(match, "m"), Count(match, "s"))
            : default;
        return match.Success;
    }

    private static int Count(Match match, string unit) => match.Groups[unit].Success ? int.Parse(match.Groups[unit].Value, CultureInfo.InvariantCulture) : 0;

    private static string UnitPattern(string unit, string group) =>
        Regex.Escape(RecoveryText.Get($"Duration.{unit}", CultureInfo.InvariantCulture)).Replace("\\{0}", $"(?<{group}>\\d+)", StringComparison.Ordinal);

    private static string Unit(string name, long count, CultureInfo culture) =>
        string.Format(CultureInfo.InvariantCulture, RecoveryText.Get(name, culture), count);
}
