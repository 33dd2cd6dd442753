// The floor for bench/shop.sh: POST /orders runs the platform's order transaction (src/O4O.Platform/Orders/OrderPlacement.cs
// and OrderSql.cs) statement for statement on the same database, with nothing around it: no authentication (the
// customer's id comes in the X-User-Id header), no session check, no problem details, no logging.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
    var order = await Checkout.PlaceAsync(dataSource, userId, key, lines, request.Shipping, cancellationToken);
    return order is null ? Results.Conflict() : Results.Created($"/orders/{order.Id}", order);
});
app.Run();

internal sealed record OrderRequest(IReadOnlyList<OrderRequestItem> Items, Shipping? Shipping);

internal sealed record OrderRequestItem(long ProductId, int Quantity);

internal sealed record OrderLine(long ProductId, string ProductName, int Quantity, decimal UnitPrice);

internal sealed record Shipping(string Recipient, string Phone, string PostalCode, string Address, string? AddressDetail, string? DeliveryNote);

internal sealed record OrderStatusChange(string Status, DateTime At, string? Actor, string? Note);

internal sealed record Order(
    long Id, long UserId, string Status, decimal Total, DateTime CreatedAt, IReadOnlyList<OrderLine> Items, Shipping? Shipping,
    string? Courier, string? TrackingNumber, IReadOnlyList<OrderStatusChange> History);

internal static class Checkout
{
    public static async Task<Order?> PlaceAsync(
        NpgsqlDataSource dataSource, long userId, string key, SortedDictionary<long, int> lines, Shipping? shipping, CancellationToken cancellationToken)
    {
        var ids = lines.Keys.ToArray();
        var quantities = lines.Values.ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO orders (user_id, status, total, idempotency_key, idempotency_request_hash,
                                recipient, phone, postal_code, address, address_detail, delivery_note)
            VALUES ($1, 'placed', 0, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (user_id, idempotency_key) DO NOTHING
            RETURNING id
            """, connection, transaction);
        insert.Parameters.Add(new() { Value = userId });
        insert.Parameters.Add(new() { Value = key });
        insert.Parameters.Add(new() { Value = RequestHash(lines, shipping) });
        foreach (var field in new[] { shipping?.Recipient, shipping?.Phone, shipping?.PostalCode, shipping?.Address, shipping?.AddressDetail, shipping?.DeliveryNote })
        {
            insert.Parameters.Add(new() { Value = (object?)field ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }
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

        // The total and the first history row in one statement, as the platform writes them.
        await using var setTotal = new NpgsqlCommand(
            """
            WITH placed AS (UPDATE orders SET total = $1 WHERE id = $2 RETURNING id, user_id, created_at),
            customer AS (SELECT u.id, u.email FROM users u JOIN placed ON placed.user_id = u.id),
            history AS (
                INSERT INTO order_status_history (order_id, status, at, actor_id, actor_email)
                SELECT placed.id, 'placed', placed.created_at, customer.id, customer.email FROM placed, customer)
            SELECT placed.created_at, customer.email FROM placed, customer
            """, connection, transaction);
        setTotal.Parameters.Add(new() { Value = total });
        setTotal.Parameters.Add(new() { Value = orderId });
        DateTime createdAt;
        string email;
        await using (var reader = await setTotal.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (createdAt, email) = (reader.GetDateTime(0), reader.GetString(1));
        }

        await transaction.CommitAsync(cancellationToken);

        var items = ids.Select((id, i) => new OrderLine(id, names[i], quantities[i], prices[i])).ToList();
        return new Order(orderId, userId, "placed", total, createdAt, items, shipping, Courier: null, TrackingNumber: null,
            [new OrderStatusChange("placed", createdAt, email, Note: null)]);
    }

    /// <summary>The platform's OrderRules.RequestHash: the SHA-256 of the merged lines and the address under the endpoint's name.</summary>
    private static byte[] RequestHash(SortedDictionary<long, int> lines, Shipping? shipping)
    {
        var canonical = new StringBuilder("POST /api/v1/orders\n");
        foreach (var (productId, quantity) in lines)
        {
            canonical.Append(CultureInfo.InvariantCulture, $"{productId} {quantity}\n");
        }

        if (shipping is not null)
        {
            canonical.Append("shipping ").Append(JsonSerializer.Serialize(shipping)).Append('\n');
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
    }
}
