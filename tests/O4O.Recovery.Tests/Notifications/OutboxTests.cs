using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.Configuration;
using O4O.Recovery.Escalation;
using O4O.Recovery.Incidents;
using O4O.Recovery.Notifications;
using O4O.Recovery.Supervision;
using O4O.Recovery.Tests.Incidents;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Notifications;

public sealed class OutboxTests : IDisposable
{
    private static readonly DateTimeOffset _start = new(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);
    private readonly StateFile _state = new();
    private readonly FakeTimeProvider _time = new(_start);
    private readonly HttpClient _client = new();
    private readonly NotificationOptions _options = new() { RetryFirst = TimeSpan.FromSeconds(5), RetryMax = TimeSpan.FromSeconds(40) };

    [Fact]
    public async Task A_dead_channel_delays_nothing_else_loses_nothing_and_shows_as_a_delivery_failure()
    {
        using var ops = new LocalHttpListener();
        var deadPort = FreePort.Next();
        var outbox = Outbox(("ops", ops.Url), ("pager", new Uri($"http://127.0.0.1:{deadPort}/hook")));
        await PageL1Async("ops", "pager");

        var viaOps = await outbox.DeliverDueAsync("ops", default);
        var viaPager = await outbox.DeliverDueAsync("pager", default);
        var failures = await DeliveryFailures.ReadAsync(_state.Path, default);

        Assert.Equal((1, 0), (viaOps, viaPager));
        Assert.Single(ops.Requests);
        var failure = Assert.Single(failures);
        Assert.Equal(("pager", 1, 1), (failure.Channel, failure.Pending, failure.Attempts));
        Assert.Contains("refused", failure.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(_start.AddSeconds(5), failure.NextAttemptAt);

        using var pager = new LocalHttpListener(deadPort);
        Assert.Equal(0, await outbox.DeliverDueAsync("pager", default));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await outbox.DeliverDueAsync("pager", default));
        Assert.Equal("L1", Notification.FromJson(Assert.Single(pager.Requests).Body).Level);
        Assert.Empty(await DeliveryFailures.ReadAsync(_state.Path, default));
        var timeline = await new IncidentStore(_state.Path).TimelineAsync(1, default);
        Assert.Contains(timeline, entry => entry.Kind == "NotifyFailed" && entry.Text.Contains("pager", StringComparison.Ordinal));
        Assert.Contains(timeline, entry => entry.Kind == "Notified" && entry.Text == "L1 page delivered via pager after 2 attempts");
    }

    [Fact]
    public async Task Retries_back_off_exponentially_up_to_the_cap()
    {
        var outbox = Outbox(("pager", new Uri($"http://127.0.0.1:{FreePort.Next()}/hook")));
        await PageL1Async("pager");
        var waits = new List<TimeSpan>();

        for (var attempt = 0; attempt < 6; attempt++)
        {
            await outbox.DeliverDueAsync("pager", default);
            var next = Assert.Single(await DeliveryFailures.ReadAsync(_state.Path, default)).NextAttemptAt;
            waits.Add(next - _time.GetUtcNow());
            _time.SetUtcNow(next);
        }

        Assert.Equal([5, 10, 20, 40, 40, 40], waits.Select(wait => wait.TotalSeconds));
    }

    [Fact]
    public async Task A_channel_that_hangs_does_not_hold_up_delivery_on_the_others()
    {
        using var hung = new TcpListener(IPAddress.Loopback, 0);
        hung.Start();
        using var ops = new LocalHttpListener();
        _options.DeliveryTimeout = TimeSpan.FromSeconds(30);
        var outbox = Outbox(("hung", new Uri($"http://127.0.0.1:{((IPEndPoint)hung.LocalEndpoint).Port}/hook")), ("ops", ops.Url));
        await PageL1Async("hung", "ops");
        using var stop = new CancellationTokenSource();

        var running = outbox.RunAsync(stop.Token);
        await ops.WaitForAsync(1, within: TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await running;

        Assert.Equal("L1", Notification.FromJson(Assert.Single(ops.Requests).Body).Level);
    }

    [Fact]
    public async Task The_heartbeat_calls_the_monitor_every_interval_on_the_clock()
    {
        using var monitor = new LocalHttpListener();
        var heartbeat = new Heartbeat(new HeartbeatOptions { Url = monitor.Url, Interval = TimeSpan.FromMinutes(1) }, _client, _time);
        using var stop = new CancellationTokenSource();

        var running = heartbeat.RunAsync(stop.Token);
        await monitor.WaitForAsync(1);
        _time.Advance(TimeSpan.FromMinutes(1));
        await monitor.WaitForAsync(2);
        _time.Advance(TimeSpan.FromMinutes(1));
        await monitor.WaitForAsync(3);
        await stop.CancelAsync();
        await running;

        Assert.All(monitor.Requests, request => Assert.Equal("GET", request.Method));
        Assert.NotNull(heartbeat.LastSuccessAt);
    }

    public void Dispose()
    {
        _client.Dispose();
        _state.Dispose();
    }

    private NotificationOutbox Outbox(params (string Name, Uri Url)[] webhooks)
    {
        foreach (var (name, url) in webhooks)
        {
            _options.Channels[name] = new ChannelOptions { Type = "webhook", Url = url };
        }

        return new NotificationOutbox(_state.Path, _options, NotificationChannels.Create(_options, _client), _time);
    }

    /// <summary>A detected failure paged to L1 over <paramref name="channels"/> by the escalation service.</summary>
    private async Task PageL1Async(params string[] channels)
    {
        var escalation = EscalationOptions.From(new ConfigurationBuilder().Build());
        escalation.Levels[0].Channels = [.. channels];
        await new IncidentJournal(new IncidentStore(_state.Path), new IncidentOptions())
            .RecordAsync(new RecoveryEvent(_start, "platform", RecoveryEventKind.Detected, "exit code 137"), default);
        await new EscalationService(_state.Path, escalation, _time).TickAsync(default);
    }
}
