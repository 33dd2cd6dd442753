using System.ComponentModel;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// WAL archiving as <c>o4o status</c> and the dashboard show it: what the cluster says of its archiver (when it runs), why
/// pgBackRest refused the failing segment, and the recovery window from the repository (which needs no running cluster).
/// </summary>
/// <param name="Repository">Where pgBackRest's repository is.</param>
/// <param name="Archiver">The cluster's archiver status; null when it could not be read.</param>
/// <param name="ArchiverError">Why the archiver status could not be read.</param>
/// <param name="PushError">pgBackRest's reason for the failing segment, while <c>archive_command</c> fails.</param>
/// <param name="RecoverableSince">The earliest moment a point-in-time restore reaches (the oldest backup set's stop); null without one.</param>
/// <param name="RepositoryError">Why the repository could not be read.</param>
/// <param name="LagThreshold">The lag above which archiving counts as failing.</param>
public sealed record WalArchivingReport(string Repository, ArchiverStatus? Archiver, string? ArchiverError, string? PushError,
    DateTimeOffset? RecoverableSince, string? RepositoryError, TimeSpan LagThreshold)
{
    /// <summary>True when the last <c>archive_command</c> failed and nothing was archived since.</summary>
    public bool ArchiveCommandFailing => Archiver?.FailingSinceLastSuccess == true;

    /// <summary>True when the archive lag is above the threshold.</summary>
    public bool Lagging => Archiver is { } archiver && archiver.Lag > LagThreshold;

    /// <summary>Reads the report for <paramref name="home"/>'s managed cluster, reached at <paramref name="connectionString"/> as its superuser.</summary>
    public static async Task<WalArchivingReport> ReadAsync(O4OHome home, string connectionString, ArchivingOptions options, CancellationToken cancellationToken)
    {
        var pgBackRest = PgBackRest.For(home);
        var (since, repositoryError) = await RecoveryWindowAsync(pgBackRest, cancellationToken);
        return await ReadAsync(pgBackRest, connectionString, options, since, repositoryError, cancellationToken);
    }

    /// <summary>The report with a recovery window already read (the dashboard reads the repository less often than it polls).</summary>
    internal static async Task<WalArchivingReport> ReadAsync(PgBackRest pgBackRest, string connectionString, ArchivingOptions options,
        DateTimeOffset? recoverableSince, string? repositoryError, CancellationToken cancellationToken)
    {
        ArchiverStatus? archiver = null;
        string? archiverError = null;
        try
        {
            archiver = await ArchiverStatus.ReadAsync(connectionString, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or SocketException or TimeoutException)
        {
            archiverError = exception.Message;
        }

        var pushError = archiver?.FailingSinceLastSuccess == true
            ? await ArchivePushError.ReadAsync(pgBackRest.Layout, archiver.LastFailedWal, cancellationToken)
            : null;
        return new WalArchivingReport(pgBackRest.Layout.Repository, archiver, archiverError, pushError, recoverableSince, repositoryError, options.LagThreshold);
    }

    /// <summary>The oldest backup set's stop from <c>pgbackrest info</c>, or why the repository could not be read.</summary>
    internal static async Task<(DateTimeOffset? Since, string? Error)> RecoveryWindowAsync(PgBackRest pgBackRest, CancellationToken cancellationToken)
    {
        if (!pgBackRest.IsConfigured)
        {
            return (null, "pgBackRest is not configured yet: the conductor writes its configuration at its first start");
        }

        try
        {
            return ((await pgBackRest.InfoAsync(cancellationToken)).RecoverableSince, null);
        }
        catch (Exception exception) when (exception is PgBackRestException or JsonException or IOException or UnauthorizedAccessException or Win32Exception)
        {
            return (null, exception.Message);
        }
    }
}
