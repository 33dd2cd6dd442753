using Npgsql;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.AutoRecovery;

[Collection(PostgresCollection.Name)]
public sealed class DataLossProbeTests(ManagedPostgresFixture postgres) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("o4o-loss-").FullName;

    [Fact]
    public async Task A_table_that_vanished_since_an_earlier_look_is_named_with_its_sqlstate_until_it_is_back()
    {
        var database = await DatabaseWithOrdersAsync(rows: 40);
        using var probe = Probe(database);
        Assert.Null((await probe.LookAsync(CancellationToken.None)).Evidence);

        await ExecuteAsync(database, "DROP TABLE orders");

        Assert.Equal("42P01 relation \"orders\" does not exist", (await probe.LookAsync(CancellationToken.None)).Evidence);
        Assert.Equal("42P01 relation \"orders\" does not exist", (await probe.LookAsync(CancellationToken.None)).Evidence);
    }

    [Fact]
    public async Task A_sudden_loss_of_most_rows_is_seen_and_ordinary_deletes_are_not()
    {
        var database = await DatabaseWithOrdersAsync(rows: 40);
        using var probe = Probe(database);
        Assert.Null((await probe.LookAsync(CancellationToken.None)).Evidence);

        await ExecuteAsync(database, "DELETE FROM orders WHERE id <= 10");
        Assert.Null((await probe.LookAsync(CancellationToken.None)).Evidence);
        await ExecuteAsync(database, "DELETE FROM orders WHERE id <= 35");

        Assert.Equal("orders has 5 rows, 30 expected (newest backup 0, last look 30)", (await probe.LookAsync(CancellationToken.None)).Evidence);
    }

    [Fact]
    public async Task Rows_taken_after_a_loss_do_not_end_it()
    {
        var database = await DatabaseWithOrdersAsync(rows: 40);
        using var probe = Probe(database);
        Assert.Null((await probe.LookAsync(CancellationToken.None)).Evidence);
        await ExecuteAsync(database, "DELETE FROM orders");
        var lost = (await probe.LookAsync(CancellationToken.None)).Evidence;
        Assert.Equal("orders has 0 rows, 40 expected (newest backup 0, last look 40)", lost);

        // The shop keeps taking orders: more than the loss threshold, then more than were lost.
        await ExecuteAsync(database, "INSERT INTO orders SELECT generate_series(1000, 1029)");
        Assert.Equal(lost, (await probe.LookAsync(CancellationToken.None)).Evidence);
        await ExecuteAsync(database, "INSERT INTO orders SELECT generate_series(2000, 2049)");
        Assert.Equal(lost, (await probe.LookAsync(CancellationToken.None)).Evidence);
    }

    [Fact]
    public async Task A_database_that_does_not_answer_is_neither_a_loss_nor_its_end()
    {
        var database = await DatabaseWithOrdersAsync(rows: 40);
        using var probe = Probe(database);
        Assert.Null((await probe.LookAsync(CancellationToken.None)).Evidence);
        await ExecuteAsync(database, "DELETE FROM orders");
        var lost = (await probe.LookAsync(CancellationToken.None)).Evidence;
        Assert.NotNull(lost);

        // As a swap or a restart does: the connections are ended and no new one is let in.
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await ExecuteAsync(postgres.Cluster.ConnectionString(), $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false");
        await ExecuteAsync(postgres.Cluster.ConnectionString(), $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
        NpgsqlConnection.ClearAllPools();

        Assert.False((await probe.LookAsync(CancellationToken.None)).Answered);
        await ExecuteAsync(postgres.Cluster.ConnectionString(), $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true");
        Assert.Equal(lost, (await probe.LookAsync(CancellationToken.None)).Evidence);
    }

    private DataLossProbe Probe(string database) =>
        // No platform answers on port 9 (discard): readiness is not what these tests look at.
        new(new Uri("http://127.0.0.1:9/"), database, new O4OHome(_home), new BackupOptions(), new AutoRecoveryOptions());

    private async Task<string> DatabaseWithOrdersAsync(int rows)
    {
        var database = await postgres.CreateDatabaseAsync("loss");
        await ExecuteAsync(database, $"CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, {rows})");
        return database;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        // The statistics' live-row estimates are what the probe reads first: publish this session's now, not in a second.
        await using var command = new NpgsqlCommand($"{sql}; SELECT pg_stat_force_next_flush()", connection);
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}
