using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Tests.Incidents;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// Logical and physical backups are two components: one kind of backup succeeding says nothing of the other, so it
/// neither resolves the other's incident nor tells the operator "recovered". Both real jobs, on one archiving cluster.
/// </summary>
public sealed class BackupKindIncidentsTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>, IDisposable
{
    // Every minute: each move of the fake clock is a run of the job under test.
    private readonly ArchivingOptions _everyMinute = new() { FullSchedule = "0 0 1 1 *", DifferentialSchedule = "0 0 1 1 *", IncrementalSchedule = "* * * * *" };
    private readonly O4OHome _home = new(Directory.CreateTempSubdirectory("o4o-backup-kinds-").FullName);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_good_physical_backup_leaves_the_incident_of_a_failing_logical_backup_open()
    {
        using var engine = new IncidentEngine(_home, BoundSettings.Incidents(), _time);
        await RunUntilAsync(Logical("m" + Guid.NewGuid().ToString("N")[..12], engine), engine.Store, incidents => Task.FromResult(incidents.Count == 1));

        var physical = new ScheduledPhysicalBackups(fixture.PgBackRest, _everyMinute, Task.CompletedTask, engine.Journal, _time);
        var incidents = await RunUntilAsync(physical.RunAsync, engine.Store, incidents => RecoveredOnTimelineAsync(engine.Store, incidents, " physical backup "));

        var incident = Assert.Single(incidents);
        Assert.StartsWith("backups: scheduled backup failed:", incident.Title, StringComparison.Ordinal);
        Assert.Null(incident.ResolvedAt);
    }

    [Fact]
    public async Task A_failed_physical_backup_opens_an_incident_of_its_own_that_a_good_logical_backup_does_not_resolve()
    {
        using var engine = new IncidentEngine(_home, BoundSettings.Incidents(), _time);
        var physical = new ScheduledPhysicalBackups(fixture.PgBackRest, _everyMinute, Task.CompletedTask, engine.Journal, _time);
        // The service user cannot enter the repository's backup directory: pgBackRest can neither read nor write a set.
        var sets = Path.Combine(fixture.PgBackRest.Layout.Repository, "backup");
        var mode = File.GetUnixFileMode(sets);
        File.SetUnixFileMode(sets, UnixFileMode.None);
        try
        {
            var failed = await RunUntilAsync(physical.RunAsync, engine.Store, incidents => Task.FromResult(incidents.Count == 1));
            Assert.StartsWith("physical-backups: scheduled ", failed[0].Title, StringComparison.Ordinal);
            Assert.Equal(["physical-backups"], failed[0].Components);
        }
        finally
        {
            File.SetUnixFileMode(sets, mode);
        }

        var database = "d" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Cluster.EnsureDatabaseAsync(database);
        var afterLogical = await RunUntilAsync(Logical(database, engine), engine.Store,
            incidents => RecoveredOnTimelineAsync(engine.Store, incidents, "a backup succeeded: o4o_backup_"));
        Assert.Null(Assert.Single(afterLogical).ResolvedAt);

        // Its own next good backup is its recovery.
        var resolved = await RunUntilAsync(physical.RunAsync, engine.Store, incidents => Task.FromResult(incidents is [{ ResolvedAt: not null }]));
        Assert.StartsWith("physical-backups: ", resolved[0].Title, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);

    // The conductor's logical backups of the cluster's database called so, every minute, into this test's home.
    private Func<CancellationToken, Task> Logical(string database, IncidentEngine engine)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_home.Root, "backups")).FullName;
        return new ScheduledBackups(_home, new DatabaseOptions { ConnectionString = fixture.Cluster.ConnectionString(), Name = database },
            new BackupOptions { Directory = directory, Schedule = "* * * * *" }, engine.Journal, _time).RunAsync;
    }

    // One incident, with a recovery on its timeline that says `text`.
    private static async Task<bool> RecoveredOnTimelineAsync(IncidentStore store, IReadOnlyList<Incident> incidents, string text) =>
        incidents is [var incident] && (await store.TimelineAsync(incident.Id, CancellationToken.None))
            .Any(entry => entry.Kind == "Recovered" && entry.Text.Contains(text, StringComparison.Ordinal));

    /// <summary>
    /// Runs <paramref name="job"/>, moving the fake clock a minute at a time (each a run, given time to finish), until the
    /// incidents are <paramref name="done"/>; then stops it.
    /// </summary>
    private async Task<IReadOnlyList<Incident>> RunUntilAsync(Func<CancellationToken, Task> job, IncidentStore store, Func<IReadOnlyList<Incident>, Task<bool>> done)
    {
        using var stop = new CancellationTokenSource();
        var running = job(stop.Token);
        try
        {
            for (var minute = 0; minute < 15; minute++)
            {
                for (var poll = 0; poll < 200; poll++)
                {
                    var incidents = await store.ListAsync(CancellationToken.None);
                    if (await done(incidents))
                    {
                        return incidents;
                    }

                    await Task.Delay(50);
                }

                _time.Advance(TimeSpan.FromMinutes(1));
            }

            throw new TimeoutException("The backup job did not get there in 15 scheduled runs.");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }
}
