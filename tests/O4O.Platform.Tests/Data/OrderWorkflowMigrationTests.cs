using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Data;

[Collection(PlatformCollection.Name)]
public sealed class OrderWorkflowMigrationTests(ManagedPostgresFixture postgres)
{
    private const string WorkflowMigration = "0007_order_workflow.sql";

    [Fact]
    public async Task A_database_made_by_the_release_before_the_order_workflow_is_upgraded_in_place_with_its_orders_kept_and_given_a_history()
    {
        var database = await postgres.CreateDatabaseAsync("before-workflow");
        OlderRelease.Migrate(database, WorkflowMigration);
        await using var connection = new NpgsqlConnection(database);
        var customer = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO users (email, password_hash) VALUES ('old.customer@example.com', 'x') RETURNING id");
        var placed = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO orders (user_id, total, idempotency_key, created_at) VALUES (@customer, 37.00, 'k-1', '2026-11-02 10:00+09') RETURNING id",
            new { customer });
        var shipped = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO orders (user_id, status, total) VALUES (@customer, 'shipped', 18.50) RETURNING id", new { customer });
        await connection.ExecuteAsync(
            """
            INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES (@placed, 1, 2, 18.50), (@shipped, 1, 1, 18.50);
            UPDATE products SET stock = stock - 3 WHERE id = 1;
            INSERT INTO cart_items (user_id, product_id, quantity) VALUES (@customer, 2, 1);
            """,
            new { placed, shipped, customer });
        var kept = await connection.ExecuteScalarAsync<string>(OlderRelease.Fingerprint, new { users = new[] { customer } });

        await using (var platform = new PlatformFactory(database))
        {
            using var admin = await platform.CreateClientAsync("admin");
            var old = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{shipped}");
            Assert.Equal("shipped", old.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, old.GetProperty("shipping").ValueKind);
            Assert.Equal(["placed", "shipped"], old.GetProperty("history").EnumerateArray().Select(c => c.GetProperty("status").GetString()));
            // The old orders carry on along the new workflow.
            Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/orders/{placed}/status", new { status = "paid" })).StatusCode);
        }

        Assert.Equal(kept, await connection.ExecuteScalarAsync<string>(
            OlderRelease.Fingerprint.Replace("o.status,", "CASE WHEN o.id = @placed THEN 'placed' ELSE o.status END,", StringComparison.Ordinal),
            new { users = new[] { customer }, placed }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM cart_items"));
        var history = (await connection.QueryAsync<(long OrderId, string Status, DateTime At, long? ActorId, string? ActorEmail)>(
            "SELECT order_id, status, at, actor_id, actor_email FROM order_status_history WHERE status IN ('placed', 'shipped') ORDER BY id")).ToList();
        Assert.Equal(
            [(placed, "placed", new DateTime(2026, 11, 2, 1, 0, 0, DateTimeKind.Utc), customer, "old.customer@example.com")],
            history.Where(h => h.OrderId == placed).Select(h => (h.OrderId, h.Status, h.At.ToUniversalTime(), h.ActorId, h.ActorEmail)));
        Assert.Equal([("placed", customer), ("shipped", (long?)null)], history.Where(h => h.OrderId == shipped).Select(h => (h.Status, h.ActorId)));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM schemaversions WHERE scriptname LIKE '%' || @script", new { script = WorkflowMigration }));
    }
}
