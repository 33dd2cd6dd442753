using Microsoft.Data.Sqlite;
using O4O.Recovery.Incidents;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Cli.Commands;

/// <summary>
/// Where a restore run from the command line puts each step on the record: the event log, and the open incident's
/// timeline when there is one. A state database that fails does not fail the restore.
/// </summary>
/// <param name="context">The command's context.</param>
/// <param name="events">The event log.</param>
/// <param name="actor">Who restores.</param>
internal sealed class RestoreRecord(CliContext context, EventLog events, string actor) : IRecoveryJournal
{
    public string Actor => actor;

    public async Task RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken)
    {
        try
        {
            await events.RecordAsync(recoveryEvent, cancellationToken);
            var text = string.Join("; ", new[] { recoveryEvent.Seen, recoveryEvent.Done, recoveryEvent.Outcome }.Where(part => part.Length > 0));
            await IncidentCommand.Store(context).AppendToNewestOpenAsync(
                new TimelineEntry(recoveryEvent.At, recoveryEvent.Kind.ToString(), recoveryEvent.Component, text, recoveryEvent.Actor), cancellationToken);
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync(Resources.Text.Format(Resources.Strings.RestoreChangesNotNoted, exception.Message));
        }
    }
}
