using System.Diagnostics;
using Npgsql;
using O4O.Recovery.Backups;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Brings the archive up to now before a restore reads it: a transaction commits (so a time target up to now has a
/// commit after it, where replay stops: a quiet shop may have none) and the current WAL segment is closed, then the
/// archiver is waited for until that segment is in the repository. Without it a target a few seconds old lies in WAL not
/// yet archived, and replay would run out before it.
/// </summary>
internal static class ArchiveFlush
{
    private static readonly TimeSpan _archiveWait = TimeSpan.FromSeconds(60);

    /// <summary>Closes the current segment and waits until it is archived; returns false when the archiver did not get there in time.</summary>
    public static async Task<bool> FlushAsync(ResolvedDatabaseServer server, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync("postgres", cancellationToken);
        await using (var mark = new NpgsqlCommand("SELECT pg_current_xact_id()", connection))
        {
            await mark.ExecuteScalarAsync(cancellationToken);
        }

        string segment;
        await using (var switchWal = new NpgsqlCommand("SELECT pg_walfile_name(pg_switch_wal())", connection))
        {
            segment = (string)(await switchWal.ExecuteScalarAsync(cancellationToken))!;
        }

        var waited = Stopwatch.StartNew();
        await using var archived = new NpgsqlCommand("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver", connection);
        while (waited.Elapsed < _archiveWait)
        {
            if (string.CompareOrdinal((string)(await archived.ExecuteScalarAsync(cancellationToken))!, segment) >= 0)
            {
                return true;
            }

            await Task.Delay(50, cancellationToken);
        }

        return false;
    }
}
