using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.Monitoring;
using O4O.Recovery.Processes;
using O4O.Recovery.State;
using O4O.Recovery.Tests.Backups;
using O4O.Recovery.Tests.Incidents;
using O4O.Tests.Shared;
using ProcessStartInfo = System.Diagnostics.ProcessStartInfo;

namespace O4O.Recovery.Tests.Monitoring;

[Collection(PostgresCollection.Name)]
public sealed class BackupWatchTests(ManagedPostgresFixture postgres)
{
    private static readonly DateTimeOffset _made = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_newest_backup_older_than_twice_its_schedules_interval_opens_an_incident_and_a_new_backup_resolves_it()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await new BackupCreator(bed.Home, bed.BackupDirectory, bed.Server, new FakeTimeProvider(_made)).CreateAsync(false, null, null, CancellationToken.None);
        var time = new FakeTimeProvider(_made + TimeSpan.FromHours(47));
        using var engine = new IncidentEngine(bed.Home, BoundSettings.Incidents(), time);
        var watch = Watch(bed, engine, time);

        await watch.LookAsync(CancellationToken.None);
        Assert.Empty(await engine.Store.ListAsync(CancellationToken.None));

        time.Advance(TimeSpan.FromHours(2));
        await watch.LookAsync(CancellationToken.None);
        await watch.LookAsync(CancellationToken.None);
        var opened = Assert.Single(await engine.Store.ListAsync(CancellationToken.None));
        Assert.Equal([BackupMonitorReport.AgeComponent], opened.Components);
        Assert.Contains("is 49 h old; the limit is 2 x the schedule's 24 h", opened.Title, StringComparison.Ordinal);

        await new BackupCreator(bed.Home, bed.BackupDirectory, bed.Server, time).CreateAsync(false, null, null, CancellationToken.None);
        await watch.LookAsync(CancellationToken.None);
        Assert.NotNull(Assert.Single(await engine.Store.ListAsync(CancellationToken.None)).ResolvedAt);
    }

    [Fact]
    public async Task A_backup_that_would_not_fit_is_refused_before_it_writes_and_the_watch_opens_an_incident_for_the_space()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var tiny = Path.Combine(bed.Home.Root, "tiny");
        Directory.CreateDirectory(tiny);
        var mount = await CommandRunner.RunAsync(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", tiny]));
        Assert.True(mount.ExitCode == 0, $"this test mounts a tmpfs and needs root: {mount.LastErrorLine}");
        try
        {
            // The previous archive, grown to 600 KiB, leaves 400 KiB; the next one is estimated at 600 KiB and half again.
            var previous = await bed.BackupAsync();
            var name = Path.GetFileName(previous.ArchivePath);
            File.Copy(previous.ArchivePath, Path.Combine(tiny, name));
            // Written, not extended: a sparse file takes no room on tmpfs.
            await using (var grown = new FileStream(Path.Combine(tiny, name), FileMode.Append))
            {
                await grown.WriteAsync(new byte[(600 * 1024) - grown.Length]);
            }

            var creator = new BackupCreator(bed.Home, tiny, bed.Server, TimeProvider.System);

            var refused = await Assert.ThrowsAsync<BackupWouldNotFitException>(() => creator.CreateAsync(false, null, null, CancellationToken.None));

            Assert.Equal(SpaceEstimate.PreviousArchive, refused.Space.EstimatedFrom);
            Assert.Equal(600 * 1024 * 3 / 2, refused.Space.Needed);
            Assert.True(refused.Space.Free < refused.Space.Needed);
            Assert.StartsWith($"Backup refused: it would not fit: 0.4 MB free in {tiny}, a backup needs 0.9 MB (previous archive 0.6 MB and the margin)", refused.Message);
            Assert.Equal([name], Directory.GetFiles(tiny).Select(Path.GetFileName).Where(name => !name!.EndsWith(".lock", StringComparison.Ordinal)));

            using var engine = new IncidentEngine(bed.Home, BoundSettings.Incidents(), TimeProvider.System);
            await Watch(bed, engine, TimeProvider.System, tiny).LookAsync(CancellationToken.None);
            var opened = Assert.Single(await engine.Store.ListAsync(CancellationToken.None));
            Assert.Equal([BackupMonitorReport.SpaceComponent], opened.Components);
        }
        finally
        {
            await CommandRunner.RunAsync(new ProcessStartInfo("umount", [tiny]));
        }
    }

    private BackupWatch Watch(BackupTestBed bed, IncidentEngine engine, TimeProvider time, string? directory = null) =>
        new(new BackupMonitor(bed.Home, new DatabaseOptions { ConnectionString = postgres.Cluster.ConnectionString(), Name = bed.Server.DatabaseName },
                new BackupOptions { Directory = directory ?? bed.BackupDirectory, Schedule = "0 3 * * *" }, new ArchivingOptions(), time),
            TimeSpan.FromMinutes(1), new EventLog(bed.Home.StateDatabase), engine.Journal, time);
}
