using System.Diagnostics;
using Npgsql;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Restore;

/// <summary>
/// The runbook's rename swap, done safely: new connections to the live database are refused, existing ones
/// ended, and both renames commit in one transaction — the platform sees either the old database or the new.
/// </summary>
internal static class DatabaseSwap
{
    private static readonly TimeSpan _drainTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The swap's commit waits for the disk whatever the server, role or database configure: it flushes all WAL
    /// before it, including the copy's, whose sessions commit without waiting (<see cref="RestoreDatabases.LoadOptions"/>).
    /// </summary>
    private const string DurableCommit = "SET LOCAL synchronous_commit = on;";

    /// <summary>
    /// Renames the live database to the displaced name and the restored one to the live name. A
    /// <paramref name="handover"/> runs once the live database is closed to everyone else and before the renames: the
    /// last writes it took are then final.
    /// </summary>
    /// <exception cref="RestoreFailedException">Sessions on the live database would not end; nothing was renamed.</exception>
    public static async Task SwapAsync(NpgsqlConnection admin, RestoreJournal journal, RestoreJournalEntry entry, bool liveExists, CancellationToken cancellationToken,
        SwapHandover? handover = null)
    {
        var (live, incoming, displaced) = (Quote(entry.LiveDatabase), Quote(entry.RestoreDatabase), Quote(entry.DisplacedDatabase!));
        if (!liveExists)
        {
            await RestoreDatabases.ExecuteAsync(admin, $"BEGIN; {DurableCommit} ALTER DATABASE {incoming} RENAME TO {live}; COMMENT ON DATABASE {live} IS NULL; COMMIT", cancellationToken);
            return;
        }

        journal.Write(entry with { ConnectionsPaused = true });
        var swapped = false;
        try
        {
            await RestoreDatabases.ExecuteAsync(admin, $"ALTER DATABASE {live} WITH ALLOW_CONNECTIONS false", cancellationToken);
            await EndSessionsAsync(admin, entry.LiveDatabase, handover?.Live.ProcessID, cancellationToken);
            if (handover is not null)
            {
                await handover.RunAsync(cancellationToken);
                // A database cannot be renamed while a session is on it (the server waits a few seconds for one that is leaving).
                await handover.Live.CloseAsync();
            }

            await RestoreDatabases.ExecuteAsync(admin,
                $"BEGIN; {DurableCommit} ALTER DATABASE {live} RENAME TO {displaced}; ALTER DATABASE {incoming} RENAME TO {live}; COMMENT ON DATABASE {live} IS NULL; COMMIT",
                cancellationToken);
            swapped = true;
        }
        finally
        {
            // Whatever happened, the database that ends up under its old name or aside accepts connections again.
            var paused = swapped ? displaced : live;
            await RestoreDatabases.ExecuteAsync(admin, $"ALTER DATABASE {paused} WITH ALLOW_CONNECTIONS true", CancellationToken.None);
        }
    }

    /// <summary>Lifts a pause a killed run left behind.</summary>
    public static async Task ResumeConnectionsAsync(NpgsqlConnection admin, string database, CancellationToken cancellationToken)
    {
        if (await RestoreDatabases.ExistsAsync(admin, database, cancellationToken))
        {
            await RestoreDatabases.ExecuteAsync(admin, $"ALTER DATABASE {Quote(database)} WITH ALLOW_CONNECTIONS true", cancellationToken);
        }
    }

    private static async Task EndSessionsAsync(NpgsqlConnection admin, string database, int? spared, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await using var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND pid IS DISTINCT FROM $2", admin)
            {
                Parameters = { new NpgsqlParameter { Value = database }, new NpgsqlParameter { Value = (object?)spared ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer } },
            };
            var remaining = Convert.ToInt64(await terminate.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            if (remaining == 0)
            {
                return;
            }

            if (waited.Elapsed > _drainTimeout)
            {
                throw new RestoreFailedException($"{remaining} session(s) on {database} would not end within {_drainTimeout.TotalSeconds:0} s; nothing was swapped.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static string Quote(string name) => ManagedCluster.QuoteIdentifier(name);
}

/// <summary>
/// The last work on the live database before a swap, on a session opened before it was closed (the only one the swap
/// leaves): a point-in-time restore carries the rows written after its recovery point (<see cref="PointInTime.CarryForward"/>).
/// </summary>
/// <param name="Live">The session on the live database (unpooled), spared when the others are ended and closed before the renames.</param>
/// <param name="RunAsync">The work, run after every other session ended and before the renames.</param>
internal sealed record SwapHandover(NpgsqlConnection Live, Func<CancellationToken, Task> RunAsync) : IAsyncDisposable
{
    /// <summary>Whatever else the work opened, closed with it.</summary>
    public IAsyncDisposable? Also { get; init; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Live.DisposeAsync();
        if (Also is not null)
        {
            await Also.DisposeAsync();
        }
    }
}
