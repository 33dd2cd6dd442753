using System.Globalization;
using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Postgres;
using O4O.Recovery.State;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// Looks for lost data that answers <c>SELECT 1</c> as well as a healthy database and never reaches the server log as
/// damage: the platform's readiness naming a missing table or column (SQLSTATE 42P01 / 42703), a table that vanished,
/// or a table whose rows suddenly dropped by more than <see cref="AutoRecoveryOptions.RowLossThreshold"/> against the
/// newest backup's manifest and the previous look. Cheap: one catalogue query with the statistics' live-row estimates
/// (given back once what a crash or a restore reset, <see cref="RowEstimates"/>, so that a look after a restart has the
/// rows to compare with); a table is counted (only up to the threshold) when its estimate looks low. A loss lasts until a restore swaps in
/// another database: new rows do not bring the lost ones back.
/// </summary>
internal sealed class DataLossProbe(Uri platform, string connectionString, O4OHome home, BackupOptions backup, AutoRecoveryOptions options) : IDisposable
{
    // Below this many rows a table's changes are ordinary use (a cart emptied, a lock lifted), not a loss.
    internal const long SmallTable = 10;

    private const string TablesSql = """
        SELECT namespace.nspname || '.' || class.relname, coalesce(stats.n_live_tup, 0)
        FROM pg_class class JOIN pg_namespace namespace ON namespace.oid = class.relnamespace
        LEFT JOIN pg_stat_user_tables stats ON stats.relid = class.oid
        WHERE class.relkind IN ('r', 'p') AND namespace.nspname NOT IN ('pg_catalog', 'information_schema')
        """;

    private readonly HttpClient _client = new();
    private Dictionary<string, long> _previous = new(StringComparer.Ordinal);
    private (long Oid, int Timeline)? _database;

    // The tables found short of rows in this database, with what showed it. Rows taken after a DELETE or TRUNCATE do not make
    // the lost ones whole again (a young table refills past any threshold within seconds), so only a restore, which swaps
    // in another database or, for the whole cluster, starts another timeline, ends a loss.
    private Dictionary<string, string> _lost = new(StringComparer.Ordinal);

    /// <summary>What shows lost data now, in one line (e.g. <c>42P01 relation "orders" does not exist</c>), or that nothing does, or no answer.</summary>
    public async Task<LossLook> LookAsync(CancellationToken cancellationToken) =>
        await ReadinessAsync(cancellationToken) is { } missing ? new LossLook(missing) : await RowsAsync(cancellationToken);

    private async Task<string?> ReadinessAsync(CancellationToken cancellationToken) =>
        PlatformReadiness.MissingSchema(await PlatformReadiness.FailingCheckAsync(_client, platform, TimeSpan.FromSeconds(5), cancellationToken)) is { } missing
            ? $"readiness: {missing}"
            : null;

    private async Task<LossLook> RowsAsync(CancellationToken cancellationToken)
    {
        var directory = backup.DirectoryFor(home);
        IReadOnlyList<CatalogueEntry> archives = Directory.Exists(directory)
            ? await new BackupCatalogue(home.StateDatabase, directory).SyncAsync(cancellationToken)
            : [];
        var newest = archives.Where(entry => entry.Verified != false).MaxBy(entry => entry.Manifest.CreatedAt);
        var backedUp = newest?.Manifest.RowCounts ?? new Dictionary<string, long>();
        var previous = _previous;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            // While another session analyzes, the estimates not analyzed yet read low: the counts below guard this look.
            await RowEstimates.RestoreAsync(connection, [], cancellationToken);
            var (database, live) = await EstimatesAsync(connection, cancellationToken);
            // A restore swaps in another database (another oid), or the whole cluster on a new timeline, with fewer rows on purpose:
            // that is no loss.
            if (database != _database)
            {
                (previous, _lost) = (new(StringComparer.Ordinal), new(StringComparer.Ordinal));
            }

            (_database, _previous) = (database, live);
            string? evidence = null;
            foreach (var table in backedUp.Keys.Union(previous.Keys).Order(StringComparer.Ordinal))
            {
                if (_lost.TryGetValue(table, out var lost) || !live.TryGetValue(table, out var estimate))
                {
                    // Its count from before, so the next look still misses it: a table does not come back by being forgotten.
                    live[table] = previous.GetValueOrDefault(table);
                    evidence ??= lost ?? $"42P01 relation \"{Unqualified(table)}\" does not exist";
                    continue;
                }

                var expected = Math.Max(backedUp.GetValueOrDefault(table), previous.GetValueOrDefault(table));
                var floor = (long)Math.Ceiling(expected * (1 - Math.Clamp(options.RowLossThreshold, 0, 1)));
                if (expected < SmallTable || estimate >= floor)
                {
                    continue;
                }

                // Statistics start over after a crash: only a count says whether the rows are really gone.
                var counted = await CountUpToAsync(connection, table, floor, cancellationToken);
                live[table] = expected;
                if (counted < floor)
                {
                    _lost[table] = string.Create(CultureInfo.InvariantCulture,
                        $"{Unqualified(table)} has {counted} rows, {expected} expected (newest backup {backedUp.GetValueOrDefault(table)}, last look {previous.GetValueOrDefault(table)})");
                    evidence ??= _lost[table];
                }
            }

            return new LossLook(evidence);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Dropped between the catalogue query and the count.
            return new LossLook($"42P01 {exception.MessageText}");
        }
        catch (Exception exception) when (DatabaseFailure.IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
        {
            // A server that does not answer is its supervisor's business; the next look compares with the last one that did.
            _previous = previous;
            return LossLook.NoAnswer;
        }
    }

    private static async Task<((long Oid, int Timeline) Database, Dictionary<string, long> Tables)> EstimatesAsync(NpgsqlConnection connection,
        CancellationToken cancellationToken)
    {
        await using var identity = new NpgsqlCommand(
            "SELECT oid::bigint, (SELECT timeline_id FROM pg_control_checkpoint()) FROM pg_database WHERE datname = current_database()", connection);
        await using var identified = await identity.ExecuteReaderAsync(cancellationToken);
        await identified.ReadAsync(cancellationToken);
        var database = (identified.GetInt64(0), identified.GetInt32(1));
        await identified.DisposeAsync();
        await using var command = new NpgsqlCommand(TablesSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            tables[reader.GetString(0)] = reader.GetInt64(1);
        }

        return (database, tables);
    }

    private static async Task<long> CountUpToAsync(NpgsqlConnection connection, string table, long bound, CancellationToken cancellationToken)
    {
        var parts = table.Split('.', 2);
        await using var command = new NpgsqlCommand(string.Create(CultureInfo.InvariantCulture,
            $"SELECT count(*) FROM (SELECT FROM {ManagedCluster.QuoteIdentifier(parts[0])}.{ManagedCluster.QuoteIdentifier(parts[1])} LIMIT {bound}) AS bounded"), connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string Unqualified(string table) => table.StartsWith("public.", StringComparison.Ordinal) ? table["public.".Length..] : table;

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}

/// <summary>One look for lost data: what shows it (null when nothing does), or no answer, which is neither a loss nor its end.</summary>
internal sealed record LossLook(string? Evidence)
{
    /// <summary>The database did not answer (a restarting server, the connections a swap ended).</summary>
    public static LossLook NoAnswer { get; } = new((string?)null) { Answered = false };

    public bool Answered { get; private init; } = true;
}
