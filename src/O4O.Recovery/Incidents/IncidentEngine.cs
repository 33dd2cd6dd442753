using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using O4O.Recovery.Configuration;
using O4O.Recovery.Escalation;
using O4O.Recovery.Notifications;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Incidents;

/// <summary>
/// Everything the conductor needs for incidents, made from its configuration: the <see cref="Journal"/> to give every
/// recovery event to, and the <see cref="Jobs"/> to run beside supervision (escalation, notification delivery and the
/// heartbeat). All state is in <c>state.db</c>, so a restarted conductor resumes pending escalations and deliveries.
/// </summary>
internal sealed class IncidentEngine : IDisposable
{
    private readonly HttpClient _client = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Made from the <c>Incidents</c>, <c>Escalation</c>, <c>Notifications</c> and <c>Heartbeat</c> sections.</summary>
    /// <exception cref="InvalidOperationException">A notification channel is misconfigured (the message names the setting).</exception>
    public IncidentEngine(O4OHome home, IncidentSettings settings, TimeProvider time, ILoggerFactory? loggers = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        var notifications = settings.Notifications;
        Store = new IncidentStore(home.StateDatabase);
        Journal = new IncidentJournal(Store, settings.Incidents,
            loggers.CreateLogger<IncidentJournal>());
        var escalation = settings.Escalation;
        Escalation = new EscalationService(home.StateDatabase, escalation, time, loggers.CreateLogger<EscalationService>());
        NotificationGap = NotificationGap.Find(escalation, notifications);
        if (NotificationGap is { } gap)
        {
            // Pages to a missing channel wait in the outbox (shown as delivery failures) until the channel is configured.
            loggers.CreateLogger<IncidentEngine>().LogWarning(
                "Escalation pages channel(s) {Channels}, which Notifications:Channels does not configure", string.Join(", ", gap.MissingChannels));
        }

        Outbox = new NotificationOutbox(home.StateDatabase, notifications, NotificationChannels.Create(notifications, _client), time,
            loggers.CreateLogger<NotificationOutbox>());
        Heartbeat = new Heartbeat(settings.Heartbeat, _client, time,
            loggers.CreateLogger<Heartbeat>());
    }

    /// <summary>The incidents in <c>state.db</c>.</summary>
    public IncidentStore Store { get; }

    /// <summary>Why pages would reach nobody, or null when every level's channels are configured.</summary>
    public NotificationGap? NotificationGap { get; }

    /// <summary>Give it every <see cref="Supervision.RecoveryEvent"/>: it opens, fills and resolves incidents.</summary>
    public IncidentJournal Journal { get; }

    /// <summary>Pages the escalation matrix.</summary>
    public EscalationService Escalation { get; }

    /// <summary>Delivers notifications.</summary>
    public NotificationOutbox Outbox { get; }

    /// <summary>The dead man's switch.</summary>
    public Heartbeat Heartbeat { get; }

    /// <summary>Escalation, delivery and the heartbeat, by name: the conductor runs each as a <see cref="Supervision.BackgroundJob"/>.</summary>
    public IReadOnlyList<(string Name, Func<CancellationToken, Task> Run)> Jobs =>
        [("escalation", Escalation.RunAsync), ("notifications", Outbox.RunAsync), ("heartbeat", Heartbeat.RunAsync)];

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
