using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Events;

public sealed class EventRetentionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("o4o-events-").FullName;

    [Fact]
    public async Task The_retention_prunes_events_older_than_it_and_keeps_the_rest_and_prunes_again_a_day_later()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
        var events = new EventLog(Path.Combine(_directory, "state.db"));
        var now = time.GetUtcNow();
        await events.RecordAsync(Note(now - TimeSpan.FromDays(91), "old"), CancellationToken.None);
        await events.RecordAsync(Note(now - TimeSpan.FromDays(89), "kept"), CancellationToken.None);
        await events.RecordAsync(Note(now, "today"), CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var retention = new EventRetention(events, TimeSpan.FromDays(90), time).RunAsync(stop.Token);
        await WaitForAsync(async () => (await events.RecentAsync(10)).Count == 2);
        Assert.Equal(["kept", "today"], (await events.RecentAsync(10)).Select(e => e.Seen));

        time.Advance(TimeSpan.FromDays(2));
        await WaitForAsync(async () => (await events.RecentAsync(10)).Count == 1);
        await stop.CancelAsync();
        await retention;
        Assert.Equal("today", Assert.Single(await events.RecentAsync(10)).Seen);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RecoveryEvent Note(DateTimeOffset at, string seen) => new(at, "dashboard", RecoveryEventKind.Note, seen);

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the retention did not prune in time");
            await Task.Delay(50);
        }
    }
}
