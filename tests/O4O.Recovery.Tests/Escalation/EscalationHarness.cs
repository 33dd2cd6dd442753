using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.Configuration;
using O4O.Recovery.Escalation;
using O4O.Recovery.Incidents;
using O4O.Recovery.Notifications;
using O4O.Recovery.Supervision;
using O4O.Recovery.Tests.Incidents;

namespace O4O.Recovery.Tests.Escalation;

/// <summary>The runbook's default matrix on a fake clock, an incident journal and an outbox delivering to one recording channel "ops".</summary>
internal sealed class EscalationHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);

    private readonly StateFile _state = new();

    public EscalationHarness()
    {
        Store = new IncidentStore(_state.Path);
        Journal = new IncidentJournal(Store, new IncidentOptions());
        Options = EscalationOptions.From(new ConfigurationBuilder().Build());
        Service = new EscalationService(_state.Path, Options, Time);
        Outbox = new NotificationOutbox(_state.Path, new NotificationOptions(), new Dictionary<string, INotificationChannel> { ["ops"] = Ops }, Time);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public IncidentStore Store { get; }

    public IncidentJournal Journal { get; }

    public EscalationOptions Options { get; }

    public EscalationService Service { get; private set; }

    public NotificationOutbox Outbox { get; }

    public RecordingChannel Ops { get; } = new();

    public string StatePath => _state.Path;

    /// <summary>A new service over the same state.db, as after a conductor restart.</summary>
    public void Restart() => Service = new EscalationService(_state.Path, Options, Time);

    public Task FailAsync(string component = "platform") =>
        Journal.RecordAsync(new RecoveryEvent(Time.GetUtcNow(), component, RecoveryEventKind.Detected, "exit code 137", FailureType: FailureType.ServerDown), default);

    public Task RecoverAsync(string component = "platform") =>
        Journal.RecordAsync(new RecoveryEvent(Time.GetUtcNow(), component, RecoveryEventKind.Recovered, "healthy"), default);

    /// <summary>Moves the clock to <paramref name="sinceStart"/>, runs one escalation pass and delivers; returns what "ops" received in it.</summary>
    public async Task<IReadOnlyList<Notification>> AtAsync(TimeSpan sinceStart)
    {
        Time.SetUtcNow(Start + sinceStart);
        await Service.TickAsync(default);
        Ops.Received.Clear();
        await Outbox.DeliverDueAsync("ops", default);
        return Ops.Received.ToList();
    }

    public void Dispose() => _state.Dispose();
}
