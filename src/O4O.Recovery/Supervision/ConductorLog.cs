using System.Text;
using Microsoft.Extensions.Logging;

namespace O4O.Recovery.Supervision;

/// <summary>
/// <c>$O4O_HOME/logs/conductor.log</c>: one line per event, through the conductor's logging pipeline
/// (<see cref="ConductorLogging"/>), for <c>o4o logs conductor</c> and for people who read logs with <c>tail</c>. Event texts carry no secrets (they name processes, probes and exit codes).
/// </summary>
internal sealed class ConductorLog(ILogger<ConductorLog> logger) : IRecoveryJournal
{
    /// <inheritdoc />
    public Task RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken)
    {
        var line = new StringBuilder()
            .Append(recoveryEvent.Component).Append(' ').Append(recoveryEvent.Kind);
        if (recoveryEvent.FailureType is { } type)
        {
            line.Append(" [").Append(type).Append(']');
        }

        line.Append(": ").Append(recoveryEvent.Seen);
        foreach (var part in new[] { recoveryEvent.Done, recoveryEvent.Outcome })
        {
            if (part.Length > 0)
            {
                line.Append(" | ").Append(part);
            }
        }

        line.Append(" (").Append(recoveryEvent.Actor).Append(')');
        logger.LogInformation("{Event}", line.ToString());
        return Task.CompletedTask;
    }
}
