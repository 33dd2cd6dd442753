using Cronos;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// When the next physical backup is due and of which type, from the three <c>Archiving:*Schedule</c> cron expressions
/// (local time). When two fall at the same minute (Sunday 02:30 is both the weekly full and, by a loose expression, a
/// differential), only the bigger is taken: it holds everything the smaller would.
/// </summary>
/// <param name="schedules">The schedules by type, biggest type first (as <see cref="Configuration.ArchivingOptions.ParseSchedules"/> gives them).</param>
/// <param name="zone">The zone the expressions are read in.</param>
internal sealed class PhysicalBackupSchedule(IReadOnlyList<(string Type, CronExpression Schedule)> schedules, TimeZoneInfo zone)
{
    /// <summary>The first backup due after <paramref name="after"/>, and its type; null when no schedule comes due again.</summary>
    public (DateTimeOffset At, string Type)? Next(DateTimeOffset after)
    {
        (DateTimeOffset At, string Type)? next = null;
        foreach (var (type, schedule) in schedules)
        {
            // Strictly earlier only: at a tie the bigger type, met first, stays.
            if (schedule.GetNextOccurrence(after, zone) is { } at && (next is null || at < next.Value.At))
            {
                next = (at, type);
            }
        }

        return next;
    }

    /// <summary>The biggest type that came due after <paramref name="since"/> (the newest set) and by <paramref name="now"/>: a run missed; null when none was.</summary>
    public string? Missed(DateTimeOffset since, DateTimeOffset now) =>
        schedules.FirstOrDefault(entry => entry.Schedule.GetNextOccurrence(since, zone) is { } due && due <= now).Type;
}
