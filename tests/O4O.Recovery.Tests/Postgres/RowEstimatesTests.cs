using Npgsql;
using O4O.Recovery.Postgres;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Postgres;

/// <summary>The live-row estimates given back after a reset (here one table's, as crash recovery resets every table's).</summary>
[Collection(PostgresCollection.Name)]
public sealed class RowEstimatesTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task A_table_whose_counts_were_reset_is_analyzed_once_and_tables_loaded_since_or_counted_by_the_caller_are_left_alone()
    {
        await using var connection = await OpenAsync(await DatabaseAsync());
        await ExecuteAsync(connection, "SELECT pg_stat_reset_single_table_counters('public.reset'::regclass), pg_stat_reset_single_table_counters('public.counted'::regclass)");

        Assert.True(await RowEstimates.RestoreAsync(connection, ["public.counted"], CancellationToken.None));
        Assert.True(await RowEstimates.RestoreAsync(connection, ["public.counted"], CancellationToken.None));

        Assert.Equal("counted 0 0, loaded 300 0, reset 300 1", await StatisticsAsync(connection));
    }

    [Fact]
    public async Task While_another_session_analyzes_nothing_is_analyzed_and_the_caller_is_told()
    {
        var database = await DatabaseAsync();
        await using var connection = await OpenAsync(database);
        await ExecuteAsync(connection, "SELECT pg_stat_reset_single_table_counters('public.reset'::regclass)");
        await using var other = await OpenAsync(database);
        await ExecuteAsync(other, $"SELECT pg_advisory_lock({RowEstimates.AnalyzeLock})");

        Assert.False(await RowEstimates.RestoreAsync(connection, [], CancellationToken.None));
        Assert.Equal("counted 300 0, loaded 300 0, reset 0 0", await StatisticsAsync(connection));
    }

    /// <summary>Three tables of 300 rows loaded as a restore loads them (rows, then indexes), their statistics published.</summary>
    private async Task<string> DatabaseAsync()
    {
        var database = await postgres.CreateDatabaseAsync("estimates");
        await using var connection = await OpenAsync(database);
        foreach (var table in new[] { "loaded", "reset", "counted" })
        {
            await ExecuteAsync(connection, $"CREATE TABLE {table} (id int); INSERT INTO {table} SELECT generate_series(1, 300); CREATE INDEX ON {table} (id)");
        }

        await ExecuteAsync(connection, "SELECT pg_stat_force_next_flush()");
        return database;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string database)
    {
        var connection = new NpgsqlConnection(database + ";Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Each table's live-row estimate and how many times it was analyzed.</summary>
    private static async Task<string?> StatisticsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "SELECT string_agg(relname || ' ' || n_live_tup || ' ' || analyze_count, ', ' ORDER BY relname) FROM pg_stat_user_tables", connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
