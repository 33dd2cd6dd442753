using System.Collections.Concurrent;
using O4O.Recovery.Notifications;

namespace O4O.Recovery.Tests.Escalation;

/// <summary>An in-process channel that keeps what it is given: escalation tests look at who was paged, not how.</summary>
internal sealed class RecordingChannel : INotificationChannel
{
    public ConcurrentQueue<Notification> Received { get; } = new();

    public Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        Received.Enqueue(notification);
        return Task.CompletedTask;
    }
}
