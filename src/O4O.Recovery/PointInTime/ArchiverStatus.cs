using Npgsql;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// What the cluster says of its WAL archiving at one moment: <c>pg_stat_archiver</c>'s counters, the segment being
/// written, and the finished segments still waiting for <c>archive_command</c> (<c>pg_wal/archive_status/*.ready</c>).
/// </summary>
/// <param name="ArchivedCount">Segments archived since the statistics were last reset.</param>
/// <param name="LastArchivedWal">The last segment archived; null before the first.</param>
/// <param name="LastArchivedAt">When it was archived.</param>
/// <param name="FailedCount">Failed <c>archive_command</c> runs since the statistics were last reset.</param>
/// <param name="LastFailedWal">The segment of the last failure; null when none failed.</param>
/// <param name="LastFailedAt">When it failed.</param>
/// <param name="CurrentWal">The segment being written now.</param>
/// <param name="OldestWaiting">The oldest finished segment not yet archived; null when none waits.</param>
/// <param name="Waiting">How many finished segments wait.</param>
/// <param name="Lag">The archive lag: see <see cref="ReadAsync"/>.</param>
public sealed record ArchiverStatus(
    long ArchivedCount,
    string? LastArchivedWal,
    DateTimeOffset? LastArchivedAt,
    long FailedCount,
    string? LastFailedWal,
    DateTimeOffset? LastFailedAt,
    string CurrentWal,
    string? OldestWaiting,
    long Waiting,
    TimeSpan Lag)
{
    // The archive lag is the age of the oldest finished segment still waiting: PostgreSQL creates its .ready file when the
    // segment is finished and renames it .done once archive_command succeeds, so the .ready files are the ground truth of
    // what waits (pgBackRest's asynchronous push marks a segment .ok in its spool only a moment before). The segment still
    // being written is not lag: archive_timeout finishes it, and nothing can archive it before. A quiet shop that writes
    // nothing finishes no segment (PostgreSQL skips the archive_timeout switch when no WAL was written), so it has nothing
    // waiting and no lag, however long ago the last segment was archived: last_archived_time is not a measure of lag.
    // The WAL inside the oldest waiting segment may be older than the segment's finish by up to archive_timeout.
    private const string Query = """
        SELECT a.archived_count, a.last_archived_wal, a.last_archived_time, a.failed_count, a.last_failed_wal, a.last_failed_time,
               pg_walfile_name(pg_current_wal_lsn()),
               oldest.name, waiting.count, extract(epoch FROM clock_timestamp() - oldest.modification)::float8
        FROM pg_stat_archiver a
        CROSS JOIN (SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready') waiting
        LEFT JOIN LATERAL (SELECT left(name, -length('.ready')) AS name, modification FROM pg_ls_archive_statusdir()
                           WHERE name LIKE '%.ready' ORDER BY modification, name LIMIT 1) oldest ON true
        """;

    /// <summary>True when the last <c>archive_command</c> run failed and no segment has been archived since.</summary>
    public bool FailingSinceLastSuccess => LastFailedAt is { } failed && (LastArchivedAt is not { } archived || failed > archived);

    /// <summary>
    /// Reads the status from the cluster at <paramref name="connectionString"/>, as a superuser (the archive status
    /// directory is listed only for superusers and <c>pg_monitor</c>), on a connection of its own.
    /// </summary>
    /// <exception cref="NpgsqlException">The server could not be asked.</exception>
    public static async Task<ArchiverStatus> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        // The archiver is the cluster's, not a database's: asked in the maintenance database, it answers while the platform's is
        // missing or being swapped by a restore.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false, Timeout = 5, CommandTimeout = 5 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Query, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ArchiverStatus(
            reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.GetInt64(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.GetInt64(8),
            reader.IsDBNull(9) ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Max(0, Math.Floor(reader.GetDouble(9)))));
    }
}
