using Npgsql;
using O4O.Recovery.Restore;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

[Collection(PostgresCollection.Name)]
public sealed class BackupConsistencyTests(ManagedPostgresFixture postgres)
{
    private const string Invariant = "SELECT (SELECT sum(stock) FROM products) + (SELECT coalesce(sum(quantity), 0) FROM order_items)";

    [Fact]
    public async Task A_backup_taken_while_orders_arrive_is_one_consistent_snapshot()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var invariant = await PlatformSchema.ScalarAsync(bed.Database, Invariant);
        using var stop = new CancellationTokenSource();
        var shoppers = Enumerable.Range(0, 4).Select(shopper => Task.Run(() => PlaceOrdersAsync(bed.Database, shopper, stop.Token))).ToArray();
        await Task.Delay(200);

        var backup = await bed.BackupAsync();
        await Task.Delay(100);
        await stop.CancelAsync();
        var placed = (await Task.WhenAll(shoppers)).Sum();

        Assert.True(placed > 0, "the order load never ran");
        var copy = await postgres.CreateDatabaseAsync("snapshot");
        var copyName = new NpgsqlConnectionStringBuilder(copy).Database!;
        var manifest = await ArchiveLoad.LoadAndVerifyAsync(bed.Server, backup.ArchivePath, copyName, Task.CompletedTask, null, CancellationToken.None);
        Assert.Equal(invariant, await PlatformSchema.ScalarAsync(copy, Invariant));
        Assert.Equal(0L, await PlatformSchema.ScalarAsync(copy, "SELECT count(*) FROM order_items i WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = i.order_id)"));
        Assert.Equal(manifest.RowCounts["public.orders"], (long)(await PlatformSchema.ScalarAsync(copy, "SELECT count(*) FROM orders"))!);
        Assert.InRange(manifest.RowCounts["public.orders"], 301, 300 + placed);
    }

    // Each order completes even when asked to stop, so the count of placed orders is exact.
    private static async Task<int> PlaceOrdersAsync(string connectionString, int shopper, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        var placed = 0;
        while (!stop.IsCancellationRequested)
        {
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            var product = 1 + (placed + shopper) % 50;
            await using var order = new NpgsqlCommand(
                $"""
                WITH o AS (INSERT INTO orders (user_id, total) VALUES ({1 + shopper}, 19.98) RETURNING id)
                INSERT INTO order_items (order_id, product_id, quantity, price) SELECT id, {product}, 2, 9.99 FROM o;
                UPDATE products SET stock = stock - 2 WHERE id = {product};
                """, connection, transaction);
            await order.ExecuteNonQueryAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            placed++;
        }

        return placed;
    }
}
