using System.Globalization;
using O4O.Cli.Resources;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.PointInTime;

namespace O4O.Cli.Commands;

/// <summary>
/// WAL archiving in <c>o4o status</c>: the cluster's <c>pg_stat_archiver</c> and archive lag when it runs, pgBackRest's
/// reason for a failing segment, and the recovery window from the repository (read with no conductor, as the rest of
/// status is). A <c>wal-archive</c> row, reported and not counted in "healthy", like the backups; with archiving off or an
/// external database, one line instead.
/// </summary>
internal static class StatusWalArchiving
{
    /// <summary>The row's name, as the conductor's component in events and incidents.</summary>
    public const string WalArchivingComponent = "wal-archive";

    /// <summary>The <c>walArchiving</c> object of <c>--json</c> and the row of the table (null when archiving is off or not ours).</summary>
    public static async Task<(WalArchivingStatus Json, ComponentStatus? Row)> AssessAsync(CliContext context, DatabaseTarget database,
        CancellationToken cancellationToken)
    {
        var options = context.Bind<ArchivingOptions>(ArchivingOptions.Section);
        var external = !context.Bind<DatabaseOptions>(DatabaseOptions.Section).IsManaged;
        if (external || !options.Enabled)
        {
            return (new WalArchivingStatus(false, external ? "external" : "disabled", external ? Strings.StatusWalExternal : Strings.StatusWalOff), null);
        }

        var report = await WalArchivingReport.ReadAsync(context.Home, database.ToConnectionString(), options, cancellationToken);
        var archiver = report.Archiver;
        var window = report.RecoverableSince is { } since ? Text.Format(Strings.StatusWalWindow, Local(since, "yyyy-MM-dd HH:mm:ss"))
            : report.RepositoryError is { } unread ? Text.Format(Strings.StatusWalRepositoryUnread, unread)
            : Strings.StatusWalNoWindow;
        var problem = report.ArchiveCommandFailing
            ? Text.Format(Strings.StatusWalFailing, archiver!.LastFailedWal, Local(archiver.LastFailedAt!.Value), report.PushError ?? "-")
            : report.Lagging ? Text.Format(Strings.StatusWalLagging, Seconds(archiver!.Lag), Seconds(report.LagThreshold))
            : report.ArchiverError is { } error ? Text.Format(Strings.StatusWalUnread, error)
            : null;
        string[] details = archiver is null ? [window] :
        [
            archiver.LastArchivedWal is { } last ? Text.Format(Strings.StatusWalArchived, last, Local(archiver.LastArchivedAt!.Value)) : Strings.StatusWalNothingArchived,
            Text.Format(Strings.StatusWalLag, Seconds(archiver.Lag)),
            archiver.LastFailedWal is { } failed
                ? Text.Format(Strings.StatusWalFailures, archiver.FailedCount, failed, Local(archiver.LastFailedAt!.Value))
                : Strings.StatusWalNoFailures,
            window,
        ];
        var state = report.ArchiveCommandFailing ? HealthState.Down
            : problem is not null || report.RecoverableSince is null ? HealthState.Degraded
            : HealthState.Healthy;
        var json = new WalArchivingStatus(true, null, string.Join("; ", details))
        {
            LastArchivedWal = archiver?.LastArchivedWal,
            LastArchivedAt = archiver?.LastArchivedAt,
            LagSeconds = archiver?.Lag.TotalSeconds,
            Waiting = archiver?.Waiting,
            FailedCount = archiver?.FailedCount,
            LastFailedWal = archiver?.LastFailedWal,
            LastFailedAt = archiver?.LastFailedAt,
            Failing = report.ArchiveCommandFailing || report.Lagging,
            Error = problem,
            RecoverableSince = report.RecoverableSince,
        };
        return (json, new ComponentStatus(WalArchivingComponent, state, report.Repository, null, null, problem) { Detail = json.Summary });
    }

    private static string Local(DateTimeOffset at, string format = "MM-dd HH:mm:ss") => at.ToLocalTime().ToString(format, CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
}

/// <summary>The <c>walArchiving</c> object of <c>o4o status --json</c>.</summary>
/// <param name="Enabled">False when archiving is off or the database is external.</param>
/// <param name="Off"><c>disabled</c> or <c>external</c> when not enabled, else null.</param>
/// <param name="Summary">The same in words, in the user's language.</param>
internal sealed record WalArchivingStatus(bool Enabled, string? Off, string Summary)
{
    public string? LastArchivedWal { get; init; }

    public DateTimeOffset? LastArchivedAt { get; init; }

    public double? LagSeconds { get; init; }

    public long? Waiting { get; init; }

    public long? FailedCount { get; init; }

    public string? LastFailedWal { get; init; }

    public DateTimeOffset? LastFailedAt { get; init; }

    public bool Failing { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset? RecoverableSince { get; init; }
}
