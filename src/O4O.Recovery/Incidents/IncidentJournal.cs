using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Incidents;

/// <summary>
/// Turns the conductor's events into incidents: the first confirmed failure opens one (its time is the first alert),
/// every later event goes on its timeline, and the recovery of all its components resolves it. A component that
/// fails again within <see cref="IncidentOptions.QuietWindow"/> of its incident's resolution reopens that incident; a
/// failure within that window of another still in progress joins it (a cascade); anything else opens a new incident.
/// </summary>
internal sealed class IncidentJournal(IncidentStore store, IncidentOptions options, ILogger<IncidentJournal>? logger = null) : IRecoveryJournal
{
    private readonly ILogger _logger = logger ?? NullLogger<IncidentJournal>.Instance;

    /// <inheritdoc />
    public async Task RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await store.ConnectAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ApplyAsync(connection, recoveryEvent, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            // Recovery goes on without the incident record; the failure is in the conductor's log.
            _logger.LogError(exception, "Could not record {Kind} of {Component} on an incident in {Path}",
                recoveryEvent.Kind, recoveryEvent.Component, store.Path);
        }
    }

    private async Task ApplyAsync(SqliteConnection connection, RecoveryEvent e, CancellationToken cancellationToken)
    {
        var entry = new TimelineEntry(e.At, e.Kind.ToString(), e.Component, Describe(e), e.Actor);
        var id = await IncidentStore.OpenWithComponentAsync(connection, e.Component, cancellationToken);
        if (e.Kind is RecoveryEventKind.Detected or RecoveryEventKind.GaveUp)
        {
            id ??= await JoinOrReopenAsync(connection, e, cancellationToken);
            if (id is null)
            {
                id = await IncidentStore.InsertAsync(connection, IncidentText.StoredTitle(e.Component, e.Seen), e.At, e.Actor, e.Component, e.FailureType, cancellationToken);
                await IncidentStore.AppendAsync(connection, id.Value, entry, cancellationToken);
                return;
            }

            await IncidentStore.MarkComponentAsync(connection, id.Value, e.Component, down: true, cancellationToken);
        }

        id ??= await IncidentStore.NewestOpenAsync(connection, cancellationToken);
        if (id is null)
        {
            return;
        }

        await IncidentStore.AppendAsync(connection, id.Value, entry, cancellationToken);
        if (e.Kind == RecoveryEventKind.Recovered)
        {
            await IncidentStore.MarkComponentAsync(connection, id.Value, e.Component, down: false, cancellationToken);
            if (await IncidentStore.ResolvesOnRecoveryAsync(connection, id.Value, cancellationToken))
            {
                await IncidentStore.ResolveAsync(connection, id.Value, e.At, cancellationToken);
                await IncidentStore.AppendAsync(connection, id.Value,
                    new TimelineEntry(e.At, "Resolved", e.Component, IncidentText.Written("Timeline.AllRecovered"), e.Actor), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The same component failing again within the quiet window after its incident resolved reopens it (a flapping
    /// component stays one incident). Another failure joins an outage in progress only as part of a cascade: an open
    /// incident with a component still down and a failure within the quiet window (the platform failing because the
    /// database did). Anything else is a new incident: a resolved one, one a person opened, or an outage hours old
    /// takes in no unrelated failure.
    /// </summary>
    private async Task<long?> JoinOrReopenAsync(SqliteConnection connection, RecoveryEvent e, CancellationToken cancellationToken)
    {
        if (await IncidentStore.ResolvedWithComponentSinceAsync(connection, e.Component, e.At - options.QuietWindow, cancellationToken) is { } recent)
        {
            await IncidentStore.ReopenAsync(connection, recent, cancellationToken);
            await IncidentStore.AppendAsync(connection, recent,
                new TimelineEntry(e.At, "Reopened", e.Component, IncidentText.Written("Timeline.Reopened", e.Component, options.QuietWindow), e.Actor),
                cancellationToken);
            return recent;
        }

        return await IncidentStore.OutageInProgressAsync(connection, e.At - options.QuietWindow, cancellationToken);
    }

    /// <summary>The timeline text: what was seen, what was done, how it ended.</summary>
    public static string Describe(RecoveryEvent e) =>
        string.Join(" — ", new[] { e.Seen, e.Done, e.Outcome }.Where(part => !string.IsNullOrWhiteSpace(part)));
}
