using System.Globalization;
using System.Text;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Recovery.Supervision;

/// <summary>
/// <c>$O4O_HOME/logs/conductor.log</c>: one line per event, appended, for <c>o4o logs conductor</c> and for people
/// who read logs with <c>tail</c>. Event texts carry no secrets (they name processes, probes and exit codes).
/// </summary>
public sealed class ConductorLog(O4OHome home) : IRecoveryJournal
{
    private readonly Lock _write = new();

    /// <summary>The log file.</summary>
    public string Path { get; } = System.IO.Path.Combine(home.Logs, "conductor.log");

    /// <inheritdoc />
    public Task RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken)
    {
        var line = new StringBuilder()
            .Append(recoveryEvent.At.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
            .Append(' ').Append(recoveryEvent.Component).Append(' ').Append(recoveryEvent.Kind);
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

        line.Append(" (").Append(recoveryEvent.Actor).Append(')').Append('\n');
        // Lines are short: appending them synchronously under a lock keeps concurrent events whole.
        lock (_write)
        {
            PrivateFiles.CreateDirectory(home.Logs);
            File.AppendAllText(Path, line.ToString());
        }

        return Task.CompletedTask;
    }
}
