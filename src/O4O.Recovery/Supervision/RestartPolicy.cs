using O4O.Recovery.Configuration;

namespace O4O.Recovery.Supervision;

/// <summary>
/// When to restart a component: capped exponential back-off (reset after a stable period) and the crash-loop
/// limit, after which restarting stops until a person asks for a restart. Decided on the times given, not the wall clock.
/// </summary>
internal sealed class RestartPolicy(SupervisionOptions options)
{
    private readonly Queue<DateTimeOffset> _recent = new();
    private DateTimeOffset? _lastRestart;
    private int _attempt;

    /// <summary>Restarts counted since the conductor started.</summary>
    public int Restarts { get; private set; }

    /// <summary>
    /// True when a restart at <paramref name="now"/> would exceed the crash-loop limit: <see cref="SupervisionOptions.CrashLoopRestarts"/>
    /// restarts already happened within <see cref="SupervisionOptions.CrashLoopWindow"/>.
    /// </summary>
    public bool IsCrashLoop(DateTimeOffset now)
    {
        while (_recent.Count > 0 && now - _recent.Peek() > options.CrashLoopWindow)
        {
            _recent.Dequeue();
        }

        return _recent.Count >= options.CrashLoopRestarts;
    }

    /// <summary>Counts a restart at <paramref name="now"/> and returns how long to wait before it.</summary>
    public TimeSpan NextRestart(DateTimeOffset now)
    {
        if (_lastRestart is { } last && now - last >= options.StableAfter)
        {
            _attempt = 0;
        }

        var delay = TimeSpan.FromTicks(Math.Min(options.MaximumBackoff.Ticks, options.InitialBackoff.Ticks * (1L << Math.Min(_attempt, 30))));
        _attempt++;
        _lastRestart = now;
        _recent.Enqueue(now);
        Restarts++;
        return delay;
    }

    /// <summary>Forgets the crash loop: a person asked for a restart.</summary>
    public void Reset()
    {
        _recent.Clear();
        _attempt = 0;
    }
}
