using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;
using O4O.Recovery.State;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Notes, every <see cref="Interval"/>, where the platform tables' data files are and how many rows they hold, with the
/// WAL position just before (<see cref="TableFileMarks"/>): the search for a damaging transaction starts at the newest
/// mark before the damage and knows the tables it must watch, a dropped one included. A mark that cannot be taken
/// (the database is down, being restored, its tables analyzed by another session after a reset) is simply skipped: the
/// next one is half a minute away.
/// </summary>
internal sealed class TableFileMarking(string connectionString, TableFileMarks marks, TimeProvider time)
{
    /// <summary>How often a mark is taken.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    // Where the next record goes: a record boundary, which pg_waldump can start reading at. The write position
    // (pg_current_wal_lsn) is not one: while a segment switch writes out the empty rest of its segment, it lies among
    // those empty pages, past the last record, and a search from there found nothing to read. The timeline is the one
    // the WAL is written on: pg_control_checkpoint()'s stays the old one after a promotion until the next checkpoint.
    private const string Position = "SELECT lsn::text, pg_walfile_name(lsn) FROM pg_current_wal_insert_lsn() AS lsn";

    // The statistics' estimates, given back what a reset took first (RowEstimates): cheap on a thousand tables and on millions of rows.
    private const string Rows = "SELECT schemaname || '.' || relname, n_live_tup FROM pg_stat_user_tables";

    /// <summary>Takes a mark now and then every <see cref="Interval"/> until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await MarkAsync(stop);
                await Task.Delay(Interval, time, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The conductor stops.
        }
    }

    /// <summary>Takes one mark; false when the database could not be read.</summary>
    public Task<bool> MarkAsync(CancellationToken cancellationToken) => MarkAsync(null, goingLive: false, cancellationToken);

    /// <summary>
    /// Marks the database a restore puts live (its verified copy before the swap, the database undo swaps back, the
    /// platform database of a cluster restored whole), with <paramref name="counted"/> rows per table where they are known
    /// exactly, and forgets that database's earlier marks (<see cref="TableFileMarks.AddAsync(TableFileMark, bool, CancellationToken)"/>):
    /// damage right after the restore is searched for from here. False when the database could not be read.
    /// </summary>
    public static Task<bool> MarkGoingLiveAsync(O4OHome home, string connectionString, IReadOnlyDictionary<string, long>? counted,
        TimeProvider time, CancellationToken cancellationToken) =>
        new TableFileMarking(connectionString, new TableFileMarks(home.StateDatabase), time).MarkAsync(counted, goingLive: true, cancellationToken);

    private async Task<bool> MarkAsync(IReadOnlyDictionary<string, long>? counted, bool goingLive, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=5;Command Timeout=10");
            await connection.OpenAsync(cancellationToken);
            string lsn, segment;
            await using (var position = new NpgsqlCommand(Position, connection))
            await using (var reader = await position.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                (lsn, segment) = (reader.GetString(0), reader.GetString(1));
            }

            // Counts reset by a crash or a restore would make a few rows deleted read as most of a table's rows deleted.
            if (!await RowEstimates.RestoreAsync(connection, counted?.Keys ?? [], cancellationToken))
            {
                return false;
            }

            var rows = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var counts = new NpgsqlCommand(Rows, connection))
            await using (var reader = await counts.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows[reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            foreach (var (table, count) in counted ?? new Dictionary<string, long>())
            {
                // The statistics of a database just loaded may not have its loaders' rows yet.
                rows[table] = count;
            }

            var tables = await PlatformTableFiles.ReadAsync(connection, rows, cancellationToken);
            await marks.AddAsync(new TableFileMark(time.GetUtcNow(), WalSegment.TimelineOf(segment), Lsn.Parse(lsn), tables), goingLive, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }
}
