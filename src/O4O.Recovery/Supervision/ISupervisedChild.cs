using O4O.Recovery.Health;

namespace O4O.Recovery.Supervision;

/// <summary>One component a <see cref="Supervisor"/> keeps running: how to start, stop and probe it.</summary>
public interface ISupervisedChild
{
    /// <summary>The component's name: database, platform, nginx.</summary>
    string Name { get; }

    /// <summary>The running process's id; null when not running or not ours.</summary>
    int? ProcessId { get; }

    /// <summary>False for a component the conductor only watches (an external database server).</summary>
    bool CanRestart { get; }

    /// <summary>Completes with the exit code when the current process exits; never while it runs.</summary>
    Task<int> Exited { get; }

    /// <summary>
    /// Starts the component and waits until it answers. Returns null when it does, else why not in one line
    /// (the process exited, did not answer in time, ...).
    /// </summary>
    Task<string?> StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops the current process: SIGTERM then SIGKILL after the stop timeout, or SIGKILL at once.</summary>
    Task StopAsync(bool graceful);

    /// <summary>One liveness probe with <paramref name="timeout"/>.</summary>
    Task<ProbeResult> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The component failed and is not restarted until AutoRecovery or a person allows it: a child holding
    /// something open for it (the platform's port) lets it go, so that its clients are told at once.</summary>
    void HeldDown()
    {
    }
}
