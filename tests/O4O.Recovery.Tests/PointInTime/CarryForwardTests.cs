using Npgsql;
using O4O.Recovery.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// The rows a shop wrote after the recovery point survive the swap: the recovered copy (here a template copy of the
/// live database, which holds what the snapshot taken with it sees) receives every row written after it.
/// </summary>
public sealed class CarryForwardTests(ManagedPostgresFixture fixture) : IClassFixture<ManagedPostgresFixture>
{
    private const string Shop = """
        CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
        CREATE TABLE products (id bigserial PRIMARY KEY, stock int NOT NULL CHECK (stock >= 0));
        CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), total numeric(12,2) NOT NULL);
        CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
            product_id bigint NOT NULL REFERENCES products(id), quantity int NOT NULL);
        INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 20) g;
        INSERT INTO products (stock) SELECT 1000 FROM generate_series(1, 5);
        """;

    [Fact]
    public async Task Orders_placed_after_a_mass_delete_are_carried_into_the_copy_recovered_from_before_it_and_ids_go_on_from_the_highest()
    {
        var (live, recovered, snapshot) = await ShopAndCopyAsync(orders: 100);
        await ExecuteAsync(live, "DELETE FROM orders"); // the damage
        await ExecuteAsync(live, PlaceOrders(5) + "UPDATE products SET stock = stock - 5 WHERE id = 1; INSERT INTO users (email) VALUES ('late@example.com');");

        var carried = await CarryAsync(live, recovered, snapshot);

        Assert.Equal(5, carried.Rows["public.orders"]);
        Assert.Equal(5, carried.Rows["public.order_items"]);
        Assert.Equal(105L, await ScalarAsync(recovered, "SELECT count(*) FROM orders"));
        Assert.Equal(105L, await ScalarAsync(recovered, "SELECT count(*) FROM order_items"));
        Assert.Equal(995, await ScalarAsync(recovered, "SELECT stock FROM products WHERE id = 1"));
        Assert.Equal(1L, await ScalarAsync(recovered, "SELECT count(*) FROM users WHERE email = 'late@example.com'"));
        var highest = await ScalarAsync(live, "SELECT last_value FROM pg_sequences WHERE sequencename = 'orders_id_seq'");
        Assert.True((long)(await ScalarAsync(recovered, "INSERT INTO orders (user_id, total) VALUES (1, 1) RETURNING id"))! > (long)highest!);
    }

    [Fact]
    public async Task A_transaction_still_open_at_the_recovery_point_that_committed_later_is_carried()
    {
        var (live, recovered, _) = await ShopAndCopyAsync(orders: 10);
        await using var open = new NpgsqlConnection(live);
        await open.OpenAsync();
        await using var transaction = await open.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO orders (user_id, total) VALUES (2, 42.00)", open, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var snapshot = (string)(await ScalarAsync(live, "SELECT pg_current_snapshot()::text"))!;
        await transaction.CommitAsync();

        await CarryAsync(live, recovered, snapshot);

        Assert.Equal(1L, await ScalarAsync(recovered, "SELECT count(*) FROM orders WHERE total = 42.00"));
        Assert.Equal(11L, await ScalarAsync(recovered, "SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task Nothing_written_after_the_recovery_point_carries_nothing_and_a_table_only_the_live_database_has_is_named()
    {
        var (live, recovered, snapshot) = await ShopAndCopyAsync(orders: 10);
        await ExecuteAsync(live, "CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (1)");

        var carried = await CarryAsync(live, recovered, snapshot);

        Assert.Empty(carried.Rows);
        Assert.Equal(["public.notes: not in the recovered copy"], carried.Skipped);
        Assert.Equal(10L, await ScalarAsync(recovered, "SELECT count(*) FROM orders"));
    }

    private async Task<(string Live, string Recovered, string Snapshot)> ShopAndCopyAsync(int orders)
    {
        var live = await fixture.CreateDatabaseAsync("carry_live");
        await ExecuteAsync(live, Shop + PlaceOrders(orders));
        var liveName = new NpgsqlConnectionStringBuilder(live).Database!;
        var snapshot = (string)(await ScalarAsync(live, "SELECT pg_current_snapshot()::text"))!;
        NpgsqlConnection.ClearAllPools();
        var recoveredName = $"carry_recovered_{Guid.NewGuid():N}";
        await ExecuteAsync(fixture.Cluster.ConnectionString(), $"CREATE DATABASE {recoveredName} TEMPLATE {liveName}");
        return (live, fixture.Cluster.ConnectionString(recoveredName), snapshot);
    }

    private static string PlaceOrders(int count) => $"""
        INSERT INTO orders (user_id, total) SELECT 1 + g % 20, 12.50 FROM generate_series(1, {count}) g;
        INSERT INTO order_items (order_id, product_id, quantity) SELECT id, 1, 1 FROM orders WHERE id NOT IN (SELECT order_id FROM order_items);
        """;

    private static async Task<CarriedRows> CarryAsync(string live, string recovered, string snapshot)
    {
        await using var from = new NpgsqlConnection(live + ";Pooling=false");
        await using var to = new NpgsqlConnection(recovered + ";Pooling=false");
        await from.OpenAsync();
        await to.OpenAsync();
        return await CarryForward.RunAsync(from, to, snapshot, CancellationToken.None);
    }

    private static async Task ExecuteAsync(string connectionString, string sql) => await ScalarAsync(connectionString, sql);

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
