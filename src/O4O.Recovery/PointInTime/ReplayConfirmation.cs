using System.Diagnostics;
using Npgsql;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.PointInTime;

/// <summary>Where the side instance's replay stopped, as it said so itself.</summary>
/// <param name="LogLine">The server's <c>recovery stopping before/after …</c> line: the proof the target was reached.</param>
/// <param name="ReplayedTo">The last WAL position replayed.</param>
/// <param name="LastTransactionAt">The commit time of the last transaction replayed; null when none was.</param>
public sealed record ReplayStop(string LogLine, string ReplayedTo, DateTimeOffset? LastTransactionAt)
{
    /// <summary>
    /// The transactions replay had seen commit where it paused (<c>pg_current_snapshot()</c> while paused, before the side
    /// instance is promoted and aborts those still in progress): the live database's rows from any other are carried over.
    /// </summary>
    public string Snapshot { get; init; } = "";
}

/// <summary>
/// Confirms the side instance stopped at the target, not at the end of the WAL it could find: the server log's
/// <c>recovery stopping …</c> line and replay paused there (<c>pg_get_wal_replay_pause_state()</c>). A server that ran
/// out of WAL first exits with <c>recovery ended before configured recovery target was reached</c>: that is a
/// <see cref="RecoveryTargetException"/>, as is any other exit during replay.
/// </summary>
internal static class ReplayConfirmation
{
    private const string Stopping = "recovery stopping ";

    /// <summary>Waits until replay paused at the target or the server gave up.</summary>
    /// <exception cref="RecoveryTargetException">The server exited: the target was not reached.</exception>
    public static async Task<ReplayStop> WaitAsync(SideInstance side, RecoveryTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (side.Cluster?.Postmaster is null)
            {
                throw NotReached(side, target);
            }

            if (LogLine(side, Stopping) is { } stopping && await PausedAsync(side.Cluster, cancellationToken) is { } paused)
            {
                return paused with { LogLine = stopping };
            }

            if (waited.Elapsed > timeout)
            {
                throw new RecoveryTargetException($"Replay did not reach {target.Description} within {timeout.TotalMinutes:0} min; nothing was changed.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Ends recovery on the side instance once the target is confirmed. Paused before a transaction's commit, replay still
    /// holds the locks that transaction took (a <c>DROP TABLE</c>'s on the very table to bring back), so nothing could read
    /// it; ending recovery aborts the transaction and lets them go. The side instance does not archive: its new timeline
    /// reaches the repository only when a full restore makes it the live cluster (<see cref="ClusterHandover"/>).
    /// </summary>
    public static async Task PromoteAsync(SideInstance side, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(side.Cluster!.ConnectionString() + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var promote = new NpgsqlCommand("SELECT pg_promote(wait => true, wait_seconds => 600)", connection);
        if (await promote.ExecuteScalarAsync(cancellationToken) is not true)
        {
            throw new RecoveryTargetException("The side instance did not end its recovery after reaching the target; nothing was changed.");
        }
    }

    /// <summary>Why the side instance stopped before the target, from its log: its FATAL line and where redo ended.</summary>
    public static RecoveryTargetException NotReached(SideInstance side, RecoveryTarget target)
    {
        var fatal = LogLine(side, "FATAL:") ?? "the server exited";
        var redo = LogLine(side, "redo done at ") is { } done ? $" ({done})" : "";
        return new RecoveryTargetException(
            $"Replay stopped before {target.Description}: {fatal}{redo}. The archived WAL does not reach the target (a segment is missing, or nothing was archived after it); nothing was changed.");
    }

    // The snapshot where replay paused, as pg_snapshot text. pg_current_snapshot() on a standby leaves its list of running
    // transactions empty (a snapshot taken during recovery keeps them among its subtransactions, which it does not show),
    // so a transaction open at the target would read as committed and its rows would not be carried over: the list is
    // rebuilt from the commit log, every transaction between xmin and xmax that had not committed where replay paused.
    private const string ReplaySnapshot = """
        SELECT pg_snapshot_xmin(s)::text || ':' || pg_snapshot_xmax(s)::text || ':' || coalesce(
            (SELECT string_agg(x::text, ',' ORDER BY x)
             FROM generate_series(pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint - 1) x
             WHERE pg_xact_status(x::text::xid8) IS DISTINCT FROM 'committed'), '')
        FROM pg_current_snapshot() s
        """;

    private static async Task<ReplayStop?> PausedAsync(ManagedCluster cluster, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(cluster.ConnectionString() + ";Pooling=false;Timeout=5");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                $"SELECT pg_get_wal_replay_pause_state(), pg_last_wal_replay_lsn()::text, pg_last_xact_replay_timestamp(), ({ReplaySnapshot})", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return reader.GetString(0) == "paused"
                ? new ReplayStop("", reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)) { Snapshot = reader.GetString(3) }
                : null;
        }
        catch (NpgsqlException)
        {
            // Still starting up, or going down: the next look says which.
            return null;
        }
    }

    /// <summary>The message of the last line of the side instance's log holding <paramref name="text"/> (after its prefix and severity).</summary>
    private static string? LogLine(SideInstance side, string text)
    {
        if (!File.Exists(side.LogFile))
        {
            return null;
        }

        using var stream = new FileStream(side.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        string? found = null;
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                found = line;
            }
        }

        // "2026-12-06 09:12:07.820 UTC [4711] LOG:  recovery stopping before …": the server puts two spaces after the severity.
        var message = found?.IndexOf(":  ", StringComparison.Ordinal) ?? -1;
        return found is null ? null : message < 0 ? found.Trim() : found[(message + 3)..].Trim();
    }
}
