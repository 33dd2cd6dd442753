using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>A repository with no backup set has no recovery window: the conductor's first full backup follows the archiving check at once.</summary>
public sealed class FirstPhysicalBackupTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task A_repository_without_a_set_gets_a_full_backup_as_soon_as_archiving_is_checked_recorded_with_its_label_and_size()
    {
        // Sunday 12:00 UTC: no schedule is due for almost an hour.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.Utc);
        var events = new RecordedEvents();
        var checkedArchiving = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var running = new ScheduledPhysicalBackups(fixture.PgBackRest, fixture.Options, checkedArchiving.Task, events, time).RunAsync(stop.Token);

        await Task.Delay(1000);
        Assert.Empty((await fixture.PgBackRest.InfoAsync(CancellationToken.None)).Backups);
        checkedArchiving.SetResult();
        var taken = await WaitForAsync(() => events.Events.FirstOrDefault(e => e.Kind == RecoveryEventKind.Action));
        await stop.CancelAsync();
        await running;

        var set = Assert.Single((await fixture.PgBackRest.InfoAsync(CancellationToken.None)).Backups);
        Assert.Equal("full", set.Type);
        Assert.Equal("physical-backups", taken.Component);
        Assert.StartsWith("the repository holds no physical backup", taken.Seen, StringComparison.Ordinal);
        Assert.Equal("ran pgbackrest backup --type=full", taken.Done);
        Assert.StartsWith($"full physical backup {set.Label}: ", taken.Outcome, StringComparison.Ordinal);
        Assert.Matches(@"MB \([0-9.]+ MB in the repository\) in [0-9.]+ s, WAL [0-9A-F]{24} to [0-9A-F]{24}$", taken.Outcome);
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> found)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (found() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "nothing after 60 s");
            await Task.Delay(100);
        }
    }
}
