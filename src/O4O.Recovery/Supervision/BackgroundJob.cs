using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Supervision;

/// <summary>
/// One of the conductor's background jobs (scheduled backups, the damage watch, escalation, ...) under the one failure
/// policy for background work. A job catches the failures it expects; anything else used to end it silently for the
/// rest of the run. Here such an exception is recorded as a recovery event (the event log, the incident journal), logged
/// with its stack, shown in <c>o4o status</c> and on the dashboard, and the job is restarted after the back-off of
/// <see cref="SupervisionOptions"/>. A job that keeps failing (the crash-loop limit) opens an incident, resolved once
/// it has run <see cref="SupervisionOptions.StableAfter"/> without an error; it is restarted all the same.
/// </summary>
public sealed class BackgroundJob(string name, Func<CancellationToken, Task> run, SupervisionOptions options,
    IRecoveryJournal journal, TimeProvider time, ILogger logger) : BackgroundService
{
    private readonly RestartPolicy _restarts = new(options);
    private bool _incidentOpen;

    /// <summary>The job's name, also its component in events: "scheduled backups".</summary>
    public string Name => name;

    /// <summary>Its restarts and last error, for status and the dashboard.</summary>
    public JobSnapshot Snapshot { get; private set; } = new(name, 0, null, null);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                var running = run(stoppingToken);
                if (_incidentOpen)
                {
                    await RecordRecoveryOnceStableAsync(running, stoppingToken);
                }

                // A job that returns has finished its work (a schedule it cannot use is recorded by the job itself).
                await running;
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                if (!await RestartAfterAsync(exception, stoppingToken))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Records the failure and waits out the back-off; false when the conductor stops meanwhile.</summary>
    private async Task<bool> RestartAfterAsync(Exception exception, CancellationToken stop)
    {
        var at = time.GetUtcNow();
        var loop = _restarts.IsCrashLoop(at);
        var backoff = _restarts.NextRestart(at);
        var error = $"{exception.GetType().Name}: {exception.Message}";
        Snapshot = new JobSnapshot(name, _restarts.Restarts, at, error);
        logger.LogError(exception, "{Job} stopped after an error; restarting in {Backoff}", name, backoff);
        var done = string.Create(CultureInfo.InvariantCulture, $"restarting after {backoff.TotalMilliseconds:0} ms back-off");
        if (loop && !_incidentOpen)
        {
            _incidentOpen = true;
            await journal.RecordAsync(new RecoveryEvent(at, name, RecoveryEventKind.Detected,
                $"{name} keeps stopping after errors ({options.CrashLoopRestarts} restarts within {options.CrashLoopWindow}): {error}", done), CancellationToken.None);
        }
        else
        {
            await journal.RecordAsync(new RecoveryEvent(at, name, RecoveryEventKind.Action, $"{name} stopped after an error: {error}", done), CancellationToken.None);
        }

        try
        {
            await Task.Delay(backoff, time, stop);
            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task RecordRecoveryOnceStableAsync(Task running, CancellationToken stop)
    {
        var stable = Task.Delay(options.StableAfter, time, stop);
        if (await Task.WhenAny(running, stable) == stable && stable.IsCompletedSuccessfully)
        {
            _incidentOpen = false;
            await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), name, RecoveryEventKind.Recovered,
                $"{name} has run {options.StableAfter} without an error"), CancellationToken.None);
        }
    }
}

/// <summary>A background job as status and the dashboard show it.</summary>
/// <param name="Name">The job: "scheduled backups".</param>
/// <param name="Restarts">How often it was restarted after an error since the conductor started.</param>
/// <param name="LastErrorAt">When it last stopped after an error; null when it never did.</param>
/// <param name="LastError">That error's type and message.</param>
public sealed record JobSnapshot(string Name, int Restarts, DateTimeOffset? LastErrorAt, string? LastError);
