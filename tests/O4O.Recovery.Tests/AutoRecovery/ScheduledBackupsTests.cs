using Microsoft.Extensions.Time.Testing;
using Npgsql;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Containment;
using O4O.Recovery.Incidents;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;
using O4O.Recovery.Tests.Backups;
using O4O.Recovery.Tests.Incidents;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.AutoRecovery;

[Collection(PostgresCollection.Name)]
public sealed class ScheduledBackupsTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task A_failed_scheduled_backup_opens_an_incident_and_the_next_good_one_resolves_it()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var missing = "m" + Guid.NewGuid().ToString("N")[..12];
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 14, 0, 30, TimeSpan.Zero));
        using var engine = new IncidentEngine(bed.Home, BoundSettings.Incidents(), time);
        var backups = new ScheduledBackups(bed.Home,
            new DatabaseOptions { ConnectionString = postgres.Cluster.ConnectionString(), Name = missing },
            new BackupOptions { Directory = bed.BackupDirectory, Schedule = "* * * * *" }, engine.Journal, time);
        using var stop = new CancellationTokenSource();
        var running = backups.RunAsync(stop.Token);

        var failed = await NextMinuteUntilAsync(time, engine.Store, incidents => incidents.Count == 1);
        Assert.StartsWith("backups: scheduled backup failed:", failed[0].Title, StringComparison.Ordinal);
        Assert.Contains(missing, failed[0].Title, StringComparison.Ordinal);
        Assert.Null(failed[0].ResolvedAt);

        await postgres.Cluster.EnsureDatabaseAsync(missing);
        var resolved = await NextMinuteUntilAsync(time, engine.Store, incidents => incidents is [{ ResolvedAt: not null }]);
        await stop.CancelAsync();
        await running;

        var timeline = await engine.Store.TimelineAsync(resolved[0].Id, CancellationToken.None);
        Assert.Contains(timeline, entry => entry.Kind == "Recovered" && entry.Text.Contains("a backup succeeded: o4o_backup_", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(bed.BackupDirectory, "o4o_backup_*.tar.gz"));
    }

    [Fact]
    public async Task Every_scheduled_archive_is_verified_and_one_that_fails_its_test_restore_opens_an_incident_of_the_backups_component()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        // A row only its own database accepts: the dump is whole, but loading it into any other database fails.
        await using (var connection = new NpgsqlConnection(bed.Database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "CREATE TABLE guard (db text NOT NULL DEFAULT current_database() CHECK (db = current_database())); INSERT INTO guard DEFAULT VALUES", connection);
            await command.ExecuteNonQueryAsync();
        }

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 14, 0, 30, TimeSpan.Zero));
        using var engine = new IncidentEngine(bed.Home, BoundSettings.Incidents(), time);
        var backups = new ScheduledBackups(bed.Home, new DatabaseOptions { ConnectionString = postgres.Cluster.ConnectionString(), Name = bed.Server.DatabaseName },
            new BackupOptions { Directory = bed.BackupDirectory, Schedule = "* * * * *" }, engine.Journal, time);
        using var stop = new CancellationTokenSource();
        var running = backups.RunAsync(stop.Token);

        var failed = await NextMinuteUntilAsync(time, engine.Store, incidents => incidents.Count == 1);
        await stop.CancelAsync();
        await running;

        var archive = Path.GetFileName(Assert.Single(Directory.GetFiles(bed.BackupDirectory, "o4o_backup_*.tar.gz")));
        Assert.StartsWith($"backups: new archive {archive} failed verification:", failed[0].Title, StringComparison.Ordinal);
        Assert.Equal(["backups"], failed[0].Components);
        var listed = Assert.Single(await BackupListing.ListAsync(bed.BackupDirectory, bed.Catalogue, time, CancellationToken.None));
        Assert.False(listed.Verified);
    }

    [Fact]
    public async Task A_run_missed_while_no_conductor_ran_is_caught_up_ten_minutes_after_the_start_and_a_fresh_archive_needs_none()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 14, 0, 0, TimeSpan.Zero));
        using var engine = new IncidentEngine(bed.Home, BoundSettings.Incidents(), time);
        var options = new BackupOptions { Directory = bed.BackupDirectory, Schedule = "0 3 * * *" };
        var database = new DatabaseOptions { ConnectionString = postgres.Cluster.ConnectionString(), Name = bed.Server.DatabaseName };
        using var stop = new CancellationTokenSource();

        // Nothing since the 03:00 run: the conductor started at 14:00 makes one at 14:10, not tomorrow at 03:00.
        var running = new ScheduledBackups(bed.Home, database, options, engine.Journal, time).RunAsync(stop.Token);
        time.Advance(ScheduledBackups.CatchUpDelay - TimeSpan.FromMinutes(1));
        await Task.Delay(500);
        Assert.Empty(Directory.GetFiles(bed.BackupDirectory, "o4o_backup_*.tar.gz"));
        time.Advance(TimeSpan.FromMinutes(1));
        await WaitForArchivesAsync(bed, 1);
        await stop.CancelAsync();
        await running;

        // That archive is newer than the schedule's last time: a conductor started now has nothing to catch up.
        time.SetUtcNow(ArchiveTime(bed) + TimeSpan.FromMinutes(1));
        using var again = new CancellationTokenSource();
        running = new ScheduledBackups(bed.Home, database, options, engine.Journal, time).RunAsync(again.Token);
        time.Advance(ScheduledBackups.CatchUpDelay + TimeSpan.FromMinutes(1));
        await Task.Delay(1000);
        await again.CancelAsync();
        await running;
        Assert.Single(Directory.GetFiles(bed.BackupDirectory, "o4o_backup_*.tar.gz"));
    }

    [Fact]
    public async Task While_the_shop_is_isolated_scheduled_backups_are_skipped_with_a_line_on_the_record_and_resume_after_it_ends()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 14, 0, 30, TimeSpan.Zero));
        var events = new EventLog(bed.Home.StateDatabase);
        Assert.True(Isolation.TurnOn(bed.Home, "ops", time.GetUtcNow()));
        var backups = new ScheduledBackups(bed.Home, new DatabaseOptions { ConnectionString = postgres.Cluster.ConnectionString(), Name = bed.Server.DatabaseName },
            new BackupOptions { Directory = bed.BackupDirectory, Schedule = "* * * * *" }, events, time);
        using var stop = new CancellationTokenSource();
        var running = backups.RunAsync(stop.Token);

        time.Advance(TimeSpan.FromMinutes(1));
        var skipped = await WaitForEventAsync(events, e => e.Done.StartsWith("skipped: the shop is isolated (by ops since 2026-11-26 14:00:30 UTC)", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(bed.BackupDirectory, "o4o_backup_*.tar.gz"));
        Assert.Equal(ScheduledBackups.Component, skipped.Component);

        Assert.True(Isolation.TurnOff(bed.Home));
        time.Advance(TimeSpan.FromMinutes(1));
        await WaitForArchivesAsync(bed, 1);
        await stop.CancelAsync();
        await running;
    }

    private static async Task<RecoveryEvent> WaitForEventAsync(EventLog events, Func<RecoveryEvent, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if ((await events.RecentAsync(50, CancellationToken.None)).FirstOrDefault(match) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "no such event after 30 s");
            await Task.Delay(50);
        }
    }

    private static DateTimeOffset ArchiveTime(BackupTestBed bed) =>
        ArchiveName.TryParseTime(Path.GetFileName(Directory.GetFiles(bed.BackupDirectory, "o4o_backup_*.tar.gz").Single()), out var made)
            ? made : throw new InvalidOperationException("not an archive name");

    private static async Task WaitForArchivesAsync(BackupTestBed bed, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.GetFiles(bed.BackupDirectory, "o4o_backup_*.tar.gz").Length < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {count} archive(s) after 30 s");
            await Task.Delay(50);
        }
    }

    /// <summary>Moves the fake clock a minute at a time (the schedule's period), giving each real backup time to run.</summary>
    private static async Task<IReadOnlyList<Incident>> NextMinuteUntilAsync(FakeTimeProvider time, IncidentStore store, Func<IReadOnlyList<Incident>, bool> done)
    {
        for (var minute = 0; minute < 20; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            for (var poll = 0; poll < 100; poll++)
            {
                var incidents = await store.ListAsync(CancellationToken.None);
                if (done(incidents))
                {
                    return incidents;
                }

                await Task.Delay(50);
            }
        }

        throw new TimeoutException("The scheduled backups did not get there in 20 scheduled runs.");
    }
}
