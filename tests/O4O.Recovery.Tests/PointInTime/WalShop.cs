using Npgsql;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// A database shaped like the platform's (users, orders, order items) on the fixture's cluster, with a replication
/// slot holding its WAL from the start of the test (a checkpoint would otherwise recycle the segments being read).
/// </summary>
internal sealed class WalShop : IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
        CREATE TABLE orders (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users (id),
            status text NOT NULL DEFAULT 'placed',
            total numeric(12, 2) NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE order_items (
            order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
            product_id bigint NOT NULL,
            quantity integer NOT NULL,
            PRIMARY KEY (order_id, product_id));
        INSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 20) g;
        INSERT INTO orders (user_id, total) SELECT 1 + g % 20, g FROM generate_series(1, 300) g;
        INSERT INTO order_items SELECT id, 1, 1 FROM orders;
        """;

    private readonly ManagedCluster _cluster;
    private readonly string _slot = $"waldump_{Guid.NewGuid():N}"[..24];

    private WalShop(ManagedCluster cluster, string connectionString) => (_cluster, ConnectionString) = (cluster, connectionString);

    public string ConnectionString { get; }

    /// <summary>The database's name.</summary>
    public string Database => new NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    public string WalDirectory => Path.Combine(_cluster.DataDirectory, "pg_wal");

    public static async Task<WalShop> CreateAsync(ManagedCluster cluster)
    {
        var database = $"wal_{Guid.NewGuid():N}";
        await cluster.EnsureDatabaseAsync(database);
        var shop = new WalShop(cluster, cluster.ConnectionString(database));
        await shop.ExecuteAsync($"SELECT pg_create_physical_replication_slot('{shop._slot}', true)");
        await shop.ExecuteAsync(Schema);
        return shop;
    }

    /// <summary>Where the WAL is now: records written after this start at or after it.</summary>
    public async Task<Lsn> PositionAsync() => Lsn.Parse(await ScalarAsync<string>("SELECT pg_current_wal_lsn()::text"));

    public async Task<uint> TimelineAsync() => (uint)await ScalarAsync<int>("SELECT timeline_id FROM pg_control_checkpoint()");

    /// <summary>Closes the current segment; returns the name of the segment it closed.</summary>
    public Task<string> SwitchSegmentAsync() => ScalarAsync<string>("SELECT pg_walfile_name(pg_switch_wal())");

    /// <summary>
    /// A shop's day, each statement its own transaction: orders placed, shipped, a few cancelled (single-row deletes),
    /// and a clean-up of a dozen old orders. Returns the WAL position after the last acknowledged commit.
    /// </summary>
    public async Task<Lsn> TrafficAsync(int orders = 30)
    {
        for (var order = 0; order < orders; order++)
        {
            await ExecuteAsync("WITH o AS (INSERT INTO orders (user_id, total) VALUES (1, 10) RETURNING id) INSERT INTO order_items SELECT id, 1, 2 FROM o");
            await ExecuteAsync($"UPDATE orders SET status = 'shipped' WHERE id = {order + 1}");
        }

        for (var cancelled = 0; cancelled < 3; cancelled++)
        {
            await ExecuteAsync("DELETE FROM orders WHERE id = (SELECT max(id) FROM orders)");
        }

        await ExecuteAsync("DELETE FROM orders WHERE id IN (SELECT id FROM orders WHERE status = 'shipped' ORDER BY id LIMIT 12)");
        return await PositionAsync();
    }

    /// <summary>Runs <paramref name="statements"/> in one transaction and returns its id, read inside it before the commit.</summary>
    public async Task<uint> DamageAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var xid = new NpgsqlCommand("SELECT pg_current_xact_id()::text::bigint", connection, transaction);
        var id = (long)(await xid.ExecuteScalarAsync())!;
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection, transaction);
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return checked((uint)id);
    }

    /// <summary>The tables' files now, with their row counts now.</summary>
    public async Task<IReadOnlyList<PlatformTable>> TablesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var rows = new Dictionary<string, long>();
        foreach (var table in new[] { "users", "orders", "order_items" })
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            rows[$"public.{table}"] = (long)(await count.ExecuteScalarAsync())!;
        }

        var tables = await PlatformTableFiles.ReadAsync(connection, rows, CancellationToken.None);
        // The order callers give: the table people name first.
        return [.. tables.OrderBy(table => table.Name != "public.orders")];
    }

    public Task<DamagingTransaction?> FindAsync(WalRange range, IReadOnlyList<PlatformTable> tables) =>
        new DamagingTransactionFinder(_cluster.Binaries).FindAsync(range, tables, CancellationToken.None);

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync($"SELECT pg_drop_replication_slot('{_slot}')");
}
