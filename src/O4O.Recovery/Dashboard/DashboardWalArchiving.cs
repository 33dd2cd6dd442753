using O4O.Recovery.Configuration;
using O4O.Recovery.PointInTime;

namespace O4O.Recovery.Dashboard;

/// <summary>The WAL-archiving card as the page shows it.</summary>
/// <param name="Status">ok, warn or down: the colour (down while <c>archive_command</c> fails).</param>
/// <param name="State">Archiving, ArchiveFailing, ArchiveLagging, NoBackupSet or ArchiverUnread: a word of the page's table.</param>
/// <param name="LastArchivedWal">The last segment archived.</param>
/// <param name="LastArchivedAt">When.</param>
/// <param name="LagSeconds">The archive lag; null when the cluster could not be asked.</param>
/// <param name="FailedCount">Failed <c>archive_command</c> runs.</param>
/// <param name="LastFailedWal">The segment of the last failure.</param>
/// <param name="LastFailedAt">When.</param>
/// <param name="Error">What is wrong: pgBackRest's reason for the failing segment, or why something could not be read.</param>
/// <param name="RecoverableSince">The earliest moment a point-in-time restore reaches; null without a backup set.</param>
internal sealed record WalArchivingCard(string Status, string State, string? LastArchivedWal, DateTimeOffset? LastArchivedAt, double? LagSeconds,
    long? FailedCount, string? LastFailedWal, DateTimeOffset? LastFailedAt, string? Error, DateTimeOffset? RecoverableSince);

/// <summary>
/// The dashboard's WAL-archiving card: the archiver read from the cluster at every poll (one query), the recovery window
/// from <c>pgbackrest info</c> at most once a <see cref="WindowEvery"/> (it starts a process, and the window moves only
/// with a backup).
/// </summary>
internal sealed class DashboardWalArchiving(PgBackRest pgBackRest, string connectionString, ArchivingOptions options, TimeProvider time)
{
    /// <summary>How long the recovery window read from the repository is shown before it is read again.</summary>
    public static readonly TimeSpan WindowEvery = TimeSpan.FromSeconds(30);

    private Window? _window;
    private RefusedSegment? _lastRefused;

    /// <summary>The card now.</summary>
    public async Task<WalArchivingCard> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_window is not { } window || now - window.ReadAt > WindowEvery)
        {
            var (since, error) = await WalArchivingReport.RecoveryWindowAsync(pgBackRest, cancellationToken);
            _window = window = new Window(now, since, error);
        }

        var report = await WalArchivingReport.ReadAsync(pgBackRest, connectionString, options, window.Since, window.Error, cancellationToken);
        var archiver = report.Archiver;
        var (status, state) = report.ArchiveCommandFailing ? ("down", "ArchiveFailing")
            : report.Lagging ? ("warn", "ArchiveLagging")
            : archiver is null ? ("warn", "ArchiverUnread")
            : report.RecoverableSince is null ? ("warn", "NoBackupSet")
            : ("ok", "Archiving");
        return new WalArchivingCard(status, state, archiver?.LastArchivedWal, archiver?.LastArchivedAt, archiver?.Lag.TotalSeconds,
            archiver?.FailedCount, archiver?.LastFailedWal, archiver?.LastFailedAt,
            report.ArchiveCommandFailing ? RefusalReason(archiver!.LastFailedWal, report.PushError) : report.ArchiverError ?? report.RepositoryError,
            report.RecoverableSince);
    }

    /// <summary>
    /// pgBackRest's reason for the refused segment. Each time PostgreSQL retries the segment, pgBackRest deletes its error
    /// file before the new attempt fails again: between the two the reason last read for that segment still holds.
    /// </summary>
    private string? RefusalReason(string? segment, string? read)
    {
        if (read is not null)
        {
            _lastRefused = new RefusedSegment(segment, read);
            return read;
        }

        return _lastRefused is { } known && known.Segment == segment ? known.Reason : null;
    }

    private sealed record Window(DateTimeOffset ReadAt, DateTimeOffset? Since, string? Error);

    private sealed record RefusedSegment(string? Segment, string Reason);
}
