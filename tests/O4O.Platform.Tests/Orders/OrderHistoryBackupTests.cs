using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Orders;

/// <summary>
/// The recovery side finds the platform's tables in the catalogue, not in a list: a backup of a live platform counts
/// the status history beside the orders (and so restore verification and the data-loss probe compare it too).
/// </summary>
public sealed class OrderHistoryBackupTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task A_backup_manifest_counts_the_order_status_history()
    {
        var productId = await Platform.CreateProductAsync(stock: 10);
        using var customer = await Platform.CreateClientAsync("customer");
        using var admin = await Platform.CreateClientAsync("admin");
        var orderId = await OrderRequests.PlaceAsync(customer, productId, 1);
        await OrderRequests.MoveAsync(admin, orderId, "paid");
        await OrderRequests.MoveAsync(admin, orderId, "cancelled");
        var home = new O4OHome(Directory.CreateTempSubdirectory("o4o-order-backup-").FullName);
        try
        {
            var database = new NpgsqlConnectionStringBuilder(Platform.ConnectionString).Database!;
            var server = new ResolvedDatabaseServer(Postgres.Cluster.ConnectionString(), database, PostgresBinaries.Locate());
            var backups = Path.Combine(home.Root, "backups");
            Directory.CreateDirectory(backups);

            var backup = await new BackupCreator(home, backups, server, TimeProvider.System)
                .CreateAsync(includeSecrets: false, knownHashes: null, progress: null, CancellationToken.None);

            Assert.Equal(3, backup.Manifest.RowCounts["public.order_status_history"]);
            Assert.Equal(1, backup.Manifest.RowCounts["public.orders"]);
        }
        finally
        {
            Directory.Delete(home.Root, recursive: true);
        }
    }
}
