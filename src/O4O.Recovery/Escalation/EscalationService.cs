using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using O4O.Recovery.Configuration;
using O4O.Recovery.Incidents;
using O4O.Recovery.State;

namespace O4O.Recovery.Escalation;

/// <summary>
/// Pages the escalation matrix's levels by the time since each open incident's failure began, and the next level at
/// once when a recovery phase overruns its budget (an <see cref="PhaseOutcome.OverrunKind"/> entry). An acknowledgement
/// mutes repeats at the level paged last but not the clock; a resolution is announced to every level paged. Levels
/// that came due while escalation was not running are paged once, together, in one summary. All
/// state is in <c>state.db</c>, so a restarted conductor resumes where it stopped; all time comes from <paramref name="time"/>.
/// </summary>
internal sealed partial class EscalationService(string path, EscalationOptions options, TimeProvider time, ILogger<EscalationService>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<EscalationService>.Instance;

    /// <summary>Runs <see cref="TickAsync"/> every <see cref="EscalationOptions.CheckEvery"/> until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(cancellationToken);
                await Task.Delay(options.CheckEvery, time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SqliteException exception)
            {
                _logger.LogError(exception, "Escalation could not read or write {Path}; trying again", path);
                await Task.Delay(options.CheckEvery, time, CancellationToken.None);
            }
        }
    }

    /// <summary>Pages every level that is due, repeats unacknowledged pages, and announces resolutions; returns at once.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await StateDatabase.OpenAsync(path, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var incident in await IncidentStore.ReadAsync(connection, "resolved_at IS NULL", cancellationToken))
        {
            await EscalateAsync(connection, incident, now, cancellationToken);
        }

        foreach (var incident in await IncidentStore.ReadAsync(connection,
            "resolved_at IS NOT NULL AND id IN (SELECT incident_id FROM escalation_pages WHERE resolved_notice_at IS NULL)", cancellationToken))
        {
            await AnnounceResolutionAsync(connection, incident, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task EscalateAsync(SqliteConnection connection, Incident incident, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pages = await PagesAsync(connection, incident.Id, cancellationToken);
        // Levels told "resolved" of an incident that reopened (a flapping component) hear that it failed again.
        foreach (var (told, _) in pages.Where(page => page.Value.ResolvedNoticeAt is not null && page.Key < options.Levels.Count).ToList())
        {
            await PageAsync(connection, incident, told, "reopened", now, cancellationToken);
            pages[told] = pages[told] with { LastPagedAt = now, ResolvedNoticeAt = null };
        }

        // Levels are due by the time since the failure began. More than one due at once means escalation was not running
        // when they came due (a conductor restart): they hear it once, together, rather than in a burst of pages.
        var due = Enumerable.Range(0, options.Levels.Count)
            .Where(level => !pages.ContainsKey(level) && now - incident.FirstAlertAt >= options.Levels[level].NotifyAfter).ToList();
        if (due.Count == 1)
        {
            await PageAsync(connection, incident, due[0], "page", now, cancellationToken);
        }
        else if (due.Count > 1)
        {
            await PageTogetherAsync(connection, incident, due, now, cancellationToken);
        }

        foreach (var level in due)
        {
            pages[level] = new Page(now, now, null, null);
        }

        // A recovery phase that overran its budget pages the next level now rather than when the clock says so.
        var next = Enumerable.Range(0, options.Levels.Count).Where(level => !pages.ContainsKey(level)).Cast<int?>().FirstOrDefault();
        if (next is { } unpaged && await NewestOverrunAsync(connection, incident.Id, cancellationToken) is { } overrun
            && (pages.Count == 0 || overrun > pages.Values.Max(page => page.PagedAt)))
        {
            await PageAsync(connection, incident, unpaged, "overrun", now, cancellationToken);
            pages[unpaged] = new Page(now, now, null, null);
        }

        if (pages.Count == 0)
        {
            return;
        }

        var current = pages.Keys.Max();
        var page = pages[current];
        // An acknowledgement covers the levels paged by then; one before any page covers the first level.
        if (incident.AcknowledgedAt is { } acknowledged && (acknowledged >= page.PagedAt || current == 0))
        {
            if (page.MutedAt is null)
            {
                await MuteAsync(connection, incident, current, now, cancellationToken);
            }
        }
        else if (now - page.LastPagedAt >= options.RepeatEvery)
        {
            await PageAsync(connection, incident, current, "repeat", now, cancellationToken);
        }
    }
}
