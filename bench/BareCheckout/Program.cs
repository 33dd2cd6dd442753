// The floor for bench/shop.sh: POST /orders runs the platform's order transaction (src/O4O.Platform/Orders/OrderPlacement.cs
// and OrderSql.cs) statement for statement on the same database, with nothing around it: no authentication (the
// customer's id comes in the X-User-Id header), no session check, no problem details, no logging.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);
var connectionString = builder.Configuration["ConnectionString"] ?? throw new InvalidOperationException("--ConnectionString is required.");
var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
var app = builder.Build();
app.MapPost("/orders", async (OrderRequest request, HttpContext context, CancellationToken cancellationToken) =>
{
    var lines = new SortedDictionary<long, int>();
    foreach (var item in request.Items)
    {
        lines[item.ProductId] = lines.GetValueOrDefault(item.ProductId) + item.Quantity;
    }

    var userId = long.Parse(context.Request.Headers["X-User-Id"].ToString(), CultureInfo.InvariantCulture);
    var key = context.Request.Headers["Idempotency-Key"].ToString();
    var order = await Checkout.PlaceAsync(dataSource, userId, key, lines, cancellationToken);
    return order is null ? Results.Conflict() : Results.Created($"/orders/{order.Id}", order);
});
app.Run();

internal sealed record OrderRequest(IReadOnlyList<OrderRequestItem> Items);

internal sealed record OrderRequestItem(long ProductId, int Quantity);

internal sealed record OrderLine(long ProductId, string ProductName, int Quantity, decimal UnitPrice);

internal sealed record Order(long Id, long UserId, string Status, decimal Total, DateTime CreatedAt, IReadOnlyList<OrderLine> Items);

internal static class Checkout
{
    public static async Task<Order?> PlaceAsync(
        NpgsqlDataSource dataSource, long userId, string key, SortedDictionary<long, int> lines, CancellationToken cancellationToken)
    {
        var ids = lines.Keys.ToArray();
        var quantities = lines.Values.ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO orders (user_id, status, total, idempotency_key, idempotency_request_hash)
            VALUES ($1, 'placed', 0, $2, $3)
            ON CONFLICT (user_id, idempotency_key) DO NOTHING
            RETURNING id
            """, connection, transaction);
        insert.Parameters.Add(new() { Value = userId });
        insert.Parameters.Add(new() { Value = key });
        insert.Parameters.Add(new() { Value = RequestHash(lines) });
        if (await insert.ExecuteScalarAsync(cancellationToken) is not long orderId)
        {
            return null;
        }

        var names = new string[ids.Length];
        var prices = new decimal[ids.Length];
        await using (var lockProducts = new NpgsqlCommand(
            "SELECT id, name, price, stock FROM products WHERE id = ANY($1) ORDER BY id FOR UPDATE", connection, transaction))
        {
            lockProducts.Parameters.Add(new() { Value = ids });
            await using var reader = await lockProducts.ExecuteReaderAsync(cancellationToken);
            var found = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                var i = Array.IndexOf(ids, reader.GetInt64(0));
                (names[i], prices[i]) = (reader.GetString(1), reader.GetDecimal(2));
                if (reader.GetInt32(3) < quantities[i])
                {
                    return null;
                }

                found++;
            }

            if (found != ids.Length)
            {
                return null;
            }
        }

        await using var takeStock = new NpgsqlCommand(
            """
            UPDATE products p SET stock = p.stock - i.quantity, updated_at = now()
            FROM unnest($1::bigint[], $2::integer[]) AS i (id, quantity)
            WHERE p.id = i.id AND p.stock >= i.quantity
            """, connection, transaction);
        takeStock.Parameters.Add(new() { Value = ids });
        takeStock.Parameters.Add(new() { Value = quantities });
        if (await takeStock.ExecuteNonQueryAsync(cancellationToken) != ids.Length)
        {
            return null;
        }

        await using var insertLines = new NpgsqlCommand(
            """
            INSERT INTO order_items (order_id, product_id, quantity, unit_price)
            SELECT $1, i.id, i.quantity, i.price
            FROM unnest($2::bigint[], $3::integer[], $4::numeric[]) AS i (id, quantity, price)
            """, connection, transaction);
        insertLines.Parameters.Add(new() { Value = orderId });
        insertLines.Parameters.Add(new() { Value = ids });
        insertLines.Parameters.Add(new() { Value = quantities });
        insertLines.Parameters.Add(new() { Value = prices });
        await insertLines.ExecuteNonQueryAsync(cancellationToken);

        var total = prices.Select((price, i) => price * quantities[i]).Sum();
        await using var setTotal = new NpgsqlCommand("UPDATE orders SET total = $1 WHERE id = $2 RETURNING created_at", connection, transaction);
        setTotal.Parameters.Add(new() { Value = total });
        setTotal.Parameters.Add(new() { Value = orderId });
        var createdAt = (DateTime)(await setTotal.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);

        var items = ids.Select((id, i) => new OrderLine(id, names[i], quantities[i], prices[i])).ToList();
        return new Order(orderId, userId, "placed", total, createdAt, items);
    }

    /// <summary>The platform's OrderRules.RequestHash: the SHA-256 of the merged lines under the endpoint's name.</summary>
    private static byte[] RequestHash(SortedDictionary<long, int> lines)
    {
        var canonical = new StringBuilder("POST /api/v1/orders\n");
        foreach (var (productId, quantity) in lines)
        {
            canonical.Append(CultureInfo.InvariantCulture, $"{productId} {quantity}\n");
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
    }
}
