using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Supervision;
using O4O.Recovery.Tests.Incidents;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>The conductor's scheduled physical backups, with real pgBackRest: a failure is an incident of the physical-backups component.</summary>
public sealed class ScheduledPhysicalBackupsTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task A_failed_physical_backup_opens_an_incident_of_the_physical_backups_component_and_the_next_good_one_resolves_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        time.SetLocalTimeZone(TimeZoneInfo.Utc);
        using var engine = new IncidentEngine(fixture.Home, BoundSettings.Incidents(), time);
        var options = new ArchivingOptions { FullSchedule = "0 0 1 1 *", DifferentialSchedule = "0 0 1 1 *", IncrementalSchedule = "* * * * *" };
        // The service user cannot enter the repository's backup directory: pgBackRest can neither read nor write a set.
        var backups = Path.Combine(fixture.PgBackRest.Layout.Repository, "backup");
        var mode = File.GetUnixFileMode(backups);
        File.SetUnixFileMode(backups, UnixFileMode.None);
        using var stop = new CancellationTokenSource();
        var running = new ScheduledPhysicalBackups(fixture.PgBackRest, options, Task.CompletedTask, engine.Journal, time).RunAsync(stop.Token);
        try
        {
            var failed = await NextMinuteUntilAsync(time, engine.Store, incidents => incidents.Count == 1);
            // pgBackRest's reason, from the info that lists the sets before the backup: the repository could not be read.
            Assert.Matches(@"^physical-backups: scheduled (full|incr) physical backup failed: pgbackrest info failed: \[PathOpenError\] .*\[13\] Permission denied$", failed[0].Title);
            Assert.Equal(["physical-backups"], failed[0].Components);
        }
        finally
        {
            File.SetUnixFileMode(backups, mode);
        }

        var resolved = await NextMinuteUntilAsync(time, engine.Store, incidents => incidents is [{ ResolvedAt: not null }]);
        await stop.CancelAsync();
        await running;

        var timeline = await engine.Store.TimelineAsync(resolved[0].Id, CancellationToken.None);
        Assert.Contains(timeline, entry => entry.Kind == "Recovered" && entry.Text.Contains(" physical backup ", StringComparison.Ordinal));
        Assert.NotEmpty((await fixture.PgBackRest.InfoAsync(CancellationToken.None)).Backups);
    }

    [Fact]
    public async Task A_run_missed_while_no_conductor_ran_is_caught_up_with_the_biggest_missed_type_ten_minutes_after_the_start()
    {
        await fixture.PgBackRest.RunAsync("backup", ["--type=full"], CancellationToken.None);
        var newest = (await fixture.PgBackRest.InfoAsync(CancellationToken.None)).Backups[^1];
        // Two days later at noon: two daily fulls (03:00) and many incrementals were missed; the next 03:00 is 15 h away.
        var time = new FakeTimeProvider(new DateTimeOffset(newest.Stopped.UtcDateTime.Date.AddDays(2).AddHours(12), TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.Utc);
        var events = new RecordedEvents();
        var options = new ArchivingOptions { FullSchedule = "0 3 * * *", DifferentialSchedule = "0 0 1 1 *", IncrementalSchedule = "15 * * * *" };
        using var stop = new CancellationTokenSource();
        var running = new ScheduledPhysicalBackups(fixture.PgBackRest, options, Task.CompletedTask, events, time).RunAsync(stop.Token);

        await Task.Delay(1000);
        time.Advance(ScheduledBackups.CatchUpDelay - TimeSpan.FromMinutes(1));
        await Task.Delay(1000);
        Assert.Empty(events.Events);
        time.Advance(TimeSpan.FromMinutes(1));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (events.Events.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await running;

        var taken = Assert.Single(events.Events, e => e.Kind == RecoveryEventKind.Action);
        Assert.Equal("a scheduled full physical backup was missed (none since the schedule's last time): catching up", taken.Seen);
        var caughtUp = (await fixture.PgBackRest.InfoAsync(CancellationToken.None)).Backups[^1];
        Assert.Equal("full", caughtUp.Type);
        Assert.NotEqual(newest.Label, caughtUp.Label);
    }

    /// <summary>Moves the fake clock a minute at a time (the schedule's period), giving each real backup time to run.</summary>
    private static async Task<IReadOnlyList<Incident>> NextMinuteUntilAsync(FakeTimeProvider time, IncidentStore store, Func<IReadOnlyList<Incident>, bool> done)
    {
        for (var minute = 0; minute < 10; minute++)
        {
            for (var poll = 0; poll < 200; poll++)
            {
                var incidents = await store.ListAsync(CancellationToken.None);
                if (done(incidents))
                {
                    return incidents;
                }

                await Task.Delay(50);
            }

            time.Advance(TimeSpan.FromMinutes(1));
        }

        throw new TimeoutException("The scheduled physical backups did not get there in 10 scheduled runs.");
    }
}
