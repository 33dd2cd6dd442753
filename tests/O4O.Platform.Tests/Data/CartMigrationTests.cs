using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Data;

[Collection(PlatformCollection.Name)]
public sealed class CartMigrationTests(ManagedPostgresFixture postgres)
{
    private const string CartMigration = "0006_cart_items.sql";

    [Fact]
    public async Task A_database_made_before_the_cart_migration_is_upgraded_in_place_with_its_data_kept()
    {
        var database = await postgres.CreateDatabaseAsync("before-carts");
        OlderRelease.Migrate(database, CartMigration);
        await using var connection = new NpgsqlConnection(database);
        var customer = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO users (email, password_hash) VALUES ('old.customer@example.com', 'x') RETURNING id");
        var order = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO orders (user_id, total, idempotency_key) VALUES (@customer, 37.00, 'k-1') RETURNING id", new { customer });
        await connection.ExecuteAsync(
            "INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES (@order, 1, 2, 18.50); UPDATE products SET stock = stock - 2 WHERE id = 1",
            new { order });
        var kept = await connection.ExecuteScalarAsync<string>(OlderRelease.Fingerprint, new { users = new[] { customer } });

        await using (var platform = new PlatformFactory(database))
        {
            _ = platform.Server;
        }

        Assert.Equal(kept, await connection.ExecuteScalarAsync<string>(OlderRelease.Fingerprint, new { users = new[] { customer } }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM schemaversions WHERE scriptname LIKE '%' || @script", new { script = CartMigration }));
        Assert.Equal(1, await connection.ExecuteAsync(
            "INSERT INTO cart_items (user_id, product_id, quantity) VALUES (@customer, 1, 2)", new { customer }));
    }
}
