using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Supervision;

/// <summary>
/// The one failure policy for the conductor's background work, on a real job (the event retention) whose database
/// file is overwritten: its SqliteException is one that job does not expect.
/// </summary>
public sealed class BackgroundJobTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("o4o-jobs-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
    private readonly SupervisionOptions _options = new() { InitialBackoff = TimeSpan.FromSeconds(1), CrashLoopRestarts = 2, StableAfter = TimeSpan.FromMinutes(1) };

    private string JobDatabase => Path.Combine(_directory, "retention.db");

    [Fact]
    public async Task A_job_that_throws_an_unexpected_exception_is_restarted_and_the_error_is_on_the_record()
    {
        var record = new EventLog(Path.Combine(_directory, "state.db"));
        using var job = RetentionJob(record);
        Break();

        await job.StartAsync(CancellationToken.None);
        await UntilAsync(async () => (await record.RecentAsync(10)).Any(e => e.Component == "event retention"));
        var failure = Assert.Single(await record.RecentAsync(10));
        Assert.Equal(RecoveryEventKind.Action, failure.Kind);
        Assert.StartsWith("event retention stopped after an error: SqliteException: ", failure.Seen);
        Assert.Equal("restarting after 1000 ms back-off", failure.Done);
        Assert.Equal(1, job.Snapshot.Restarts);
        Assert.Equal(_time.GetUtcNow(), job.Snapshot.LastErrorAt);

        // Repaired, with an event past the retention in it: the restarted job prunes it.
        var repaired = Repair();
        await repaired.RecordAsync(new RecoveryEvent(_time.GetUtcNow() - TimeSpan.FromDays(91), "dashboard", RecoveryEventKind.Note, "old"), default);
        await UntilAsync(async () => (await repaired.RecentAsync(10)).Count == 0, advance: true);
        await job.StopAsync(CancellationToken.None);
        Assert.Single(await record.RecentAsync(10));
        Assert.Equal(1, job.Snapshot.Restarts);
    }

    [Fact]
    public async Task A_job_that_keeps_failing_opens_an_incident_that_resolves_once_it_runs_without_an_error()
    {
        var home = new O4OHome(Path.Combine(_directory, "home"));
        home.EnsureCreated();
        var store = new IncidentStore(home.StateDatabase);
        var journal = new RecoveryJournals([new EventLog(home.StateDatabase), new IncidentJournal(store, new IncidentOptions())]);
        using var job = RetentionJob(journal);
        Break();

        await job.StartAsync(CancellationToken.None);
        await UntilAsync(async () => (await store.ListAsync(default)).Count == 1, advance: true);
        var incident = Assert.Single(await store.ListAsync(default));
        Assert.StartsWith("event retention: event retention keeps stopping after errors", incident.Title);
        Assert.Null(incident.ResolvedAt);

        Repair();
        await UntilAsync(async () => (await store.ListAsync(default))[0].ResolvedAt is not null, advance: true);
        await job.StopAsync(CancellationToken.None);
        Assert.True(job.Snapshot.Restarts >= 3, $"{job.Snapshot.Restarts} restarts");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private BackgroundJob RetentionJob(IRecoveryJournal journal) =>
        new("event retention", new EventRetention(new EventLog(JobDatabase), TimeSpan.FromDays(90), _time).RunAsync, _options, journal, _time,
            NullLogger.Instance);

    private void Break()
    {
        SqliteConnection.ClearAllPools();
        File.WriteAllText(JobDatabase, new string('x', 4096));
    }

    private EventLog Repair()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(JobDatabase);
        return new EventLog(JobDatabase);
    }

    // The job waits on the fake clock: moving it a second at a time reaches each back-off, however late the job gets there.
    private async Task UntilAsync(Func<Task<bool>> condition, bool advance = false)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the job did not get there in time");
            if (advance)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }

            await Task.Delay(20);
        }
    }
}
