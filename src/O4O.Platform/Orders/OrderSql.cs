namespace O4O.Platform.Orders;

internal static class OrderSql
{
    public const string PlacedStatus = "placed";

    public const string InsertOrder = """
        INSERT INTO orders (user_id, status, total, idempotency_key, idempotency_request_hash)
        VALUES (@userId, 'placed', 0, @key, CASE WHEN @key IS NOT NULL THEN @hash END)
        ON CONFLICT (user_id, idempotency_key) DO NOTHING
        RETURNING id
        """;

    /// <summary>Whether the customer's earlier order under this key was placed by another request (null hash: placed before hashes).</summary>
    public const string KeyBoundToOtherRequest = """
        SELECT coalesce(idempotency_request_hash <> @hash, false) FROM orders WHERE user_id = @userId AND idempotency_key = @key
        """;

    public const string LockProducts = """
        SELECT id, name, price, stock FROM products WHERE id = ANY(@ids) ORDER BY id FOR UPDATE
        """;

    /// <summary>Takes stock only where enough is left: the row count tells whether every line was served.</summary>
    public const string TakeStock = """
        UPDATE products p SET stock = p.stock - i.quantity, updated_at = now()
        FROM unnest(@ids::bigint[], @quantities::integer[]) AS i (id, quantity)
        WHERE p.id = i.id AND p.stock >= i.quantity
        """;

    public const string InsertLines = """
        INSERT INTO order_items (order_id, product_id, quantity, unit_price)
        SELECT @orderId, i.id, i.quantity, i.price
        FROM unnest(@ids::bigint[], @quantities::integer[], @prices::numeric[]) AS i (id, quantity, price)
        """;

    public const string SetTotal = "UPDATE orders SET total = @total WHERE id = @orderId RETURNING created_at";

    public const string Headers = "SELECT id, user_id, status, total, created_at FROM orders";

    public const string Lines = """
        SELECT oi.order_id, oi.product_id, p.name AS product_name, oi.quantity, oi.unit_price
        FROM order_items oi JOIN products p ON p.id = oi.product_id
        WHERE oi.order_id = ANY(@ids) ORDER BY oi.order_id, oi.product_id
        """;
}
