using System.Collections.Concurrent;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>A journal that keeps what it is told, for a test to read.</summary>
internal sealed class RecordedEvents : IRecoveryJournal
{
    private readonly ConcurrentQueue<RecoveryEvent> _events = new();

    public IReadOnlyList<RecoveryEvent> Events => [.. _events];

    public Task RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken)
    {
        _events.Enqueue(recoveryEvent);
        return Task.CompletedTask;
    }
}
