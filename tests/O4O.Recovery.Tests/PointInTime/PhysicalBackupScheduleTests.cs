using O4O.Recovery.Configuration;
using O4O.Recovery.PointInTime;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>Which physical backup the conductor takes when: the three cron schedules, read in local time (UTC here).</summary>
public sealed class PhysicalBackupScheduleTests
{
    private static readonly PhysicalBackupSchedule _defaults = new(new ArchivingOptions().ParseSchedules(), TimeZoneInfo.Utc);

    [Fact]
    public void When_two_schedules_fall_at_the_same_time_only_the_bigger_type_is_taken()
    {
        var schedule = new PhysicalBackupSchedule(
            new ArchivingOptions { FullSchedule = "30 2 * * 0", DifferentialSchedule = "30 2 * * *", IncrementalSchedule = "30 * * * *" }.ParseSchedules(),
            TimeZoneInfo.Utc);

        // Sunday 2026-12-06 02:30 is due for all three; Monday's 02:30 for the differential and the incremental.
        Assert.Equal((At(2026, 12, 6, 2, 30), "full"), schedule.Next(At(2026, 12, 6, 1, 45)));
        Assert.Equal((At(2026, 12, 7, 2, 30), "diff"), schedule.Next(At(2026, 12, 7, 1, 45)));
        Assert.Equal((At(2026, 12, 7, 3, 30), "incr"), schedule.Next(At(2026, 12, 7, 2, 30)));
    }

    [Fact]
    public void The_defaults_take_a_full_on_sunday_a_differential_on_other_days_and_an_incremental_every_hour()
    {
        Assert.Equal((At(2026, 12, 6, 2, 15), "incr"), _defaults.Next(At(2026, 12, 6, 1, 20)));
        Assert.Equal((At(2026, 12, 6, 2, 30), "full"), _defaults.Next(At(2026, 12, 6, 2, 15)));
        Assert.Equal((At(2026, 12, 8, 2, 30), "diff"), _defaults.Next(At(2026, 12, 8, 2, 15)));
    }

    [Fact]
    public void A_missed_run_is_the_biggest_type_due_since_the_newest_set()
    {
        // The newest set is from Saturday 23:00: by Sunday 04:00 the weekly full was missed, not just incrementals.
        Assert.Equal("full", _defaults.Missed(At(2026, 12, 5, 23, 0), At(2026, 12, 6, 4, 0)));
        Assert.Equal("incr", _defaults.Missed(At(2026, 12, 6, 4, 0), At(2026, 12, 6, 5, 20)));
        Assert.Null(_defaults.Missed(At(2026, 12, 6, 5, 16), At(2026, 12, 6, 6, 0)));
    }

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
