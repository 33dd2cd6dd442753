using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.Notifications;
using O4O.Recovery.Supervision;
using O4O.Recovery.Tests.Notifications;

namespace O4O.Recovery.Tests.Incidents;

public sealed class IncidentEngineTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("o4o-engine-").FullName;

    [Fact]
    public async Task A_detected_failure_pages_L1_then_L2_from_the_environment_setting_and_announces_the_recovery_at_a_real_webhook()
    {
        using var hook = new LocalHttpListener();
        using var monitor = new LocalHttpListener();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Escalation:Levels:1:NotifyAfter"] = "00:00:03",
            ["Notifications:Channels:ops:Type"] = "webhook",
            ["Notifications:Channels:ops:Url"] = hook.Url.ToString(),
            ["Heartbeat:Url"] = monitor.Url.ToString(),
        }).Build();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 14, 0, 0, TimeSpan.Zero));
        using var engine = new IncidentEngine(new O4OHome(_home), BoundSettings.Incidents(configuration), time);
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(engine.Jobs.Select(job => job.Run(stop.Token)));

        await engine.Journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), "platform", RecoveryEventKind.Detected, "exit code 137"), default);
        await AdvanceUntilAsync(time, hook, 1);
        await AdvanceUntilAsync(time, hook, 2);
        await engine.Journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), "platform", RecoveryEventKind.Recovered, "healthy"), default);
        await AdvanceUntilAsync(time, hook, 4);
        await stop.CancelAsync();
        await running;

        var received = hook.Requests.Select(request => Notification.FromJson(request.Body)).ToList();
        Assert.Equal([("page", "L1"), ("page", "L2"), ("resolved", "L1"), ("resolved", "L2")], received.Select(n => (n.Kind, n.Level)));
        // L2 not before its NotifyAfter (how far past it depends on how busy the machine is).
        Assert.True(received[1].DurationSeconds >= 3, $"L2 paged after {received[1].DurationSeconds} s");
        Assert.NotEmpty(monitor.Requests);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_home, recursive: true);
    }

    /// <summary>Moves the fake clock a second at a time (giving the loops real time to run) until the hook has <paramref name="count"/> requests.</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, LocalHttpListener hook, int count)
    {
        for (var step = 0; step < 200 && hook.Requests.Count < count; step++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(25);
        }

        await hook.WaitForAsync(count, TimeSpan.FromSeconds(2));
    }
}
