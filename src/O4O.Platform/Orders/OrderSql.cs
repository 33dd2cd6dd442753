namespace O4O.Platform.Orders;

internal static class OrderSql
{
    public const string InsertOrder = """
        INSERT INTO orders (user_id, status, total, idempotency_key, idempotency_request_hash,
                            recipient, phone, postal_code, address, address_detail, delivery_note)
        VALUES (@userId, 'placed', 0, @key, CASE WHEN @key IS NOT NULL THEN @hash END,
                @recipient, @phone, @postalCode, @address, @addressDetail, @deliveryNote)
        ON CONFLICT (user_id, idempotency_key) DO NOTHING
        RETURNING id
        """;

    /// <summary>Whether the customer's earlier order under this key was placed by another request (null hash: placed before hashes).</summary>
    public const string KeyBoundToOtherRequest = """
        SELECT coalesce(idempotency_request_hash <> @hash, false) FROM orders WHERE user_id = @userId AND idempotency_key = @key
        """;

    /// <summary>An archived product is not for sale: it is left out here, so an order for it is refused as for an unknown one.</summary>
    public const string LockProducts = """
        SELECT id, name, price, stock FROM products WHERE id = ANY(@ids) AND NOT archived ORDER BY id FOR UPDATE
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

    /// <summary>Sets the total and writes the order's first history row, in one round trip: placed by its customer.</summary>
    public const string SetTotal = """
        WITH placed AS (UPDATE orders SET total = @total WHERE id = @orderId RETURNING id, user_id, created_at),
        customer AS (SELECT u.id, u.email FROM users u JOIN placed ON placed.user_id = u.id),
        history AS (
            INSERT INTO order_status_history (order_id, status, at, actor_id, actor_email)
            SELECT placed.id, 'placed', placed.created_at, customer.id, customer.email FROM placed, customer)
        SELECT placed.created_at, customer.email FROM placed, customer
        """;

    public const string Headers = """
        SELECT id, user_id, status, total, created_at, courier, tracking_number,
               recipient, phone, postal_code, address, address_detail, delivery_note
        FROM orders
        """;

    public const string History = """
        SELECT order_id, status, at, actor_id, actor_email, note FROM order_status_history
        WHERE order_id = ANY(@ids) ORDER BY order_id, id
        """;

    /// <summary>
    /// The order row a status change works on, locked: a second change of the same order waits here and then sees the
    /// first one's status, so two admins cannot both cancel it (and return its stock twice).
    /// </summary>
    public const string LockOrder = """
        SELECT status, courier, tracking_number FROM orders
        WHERE id = @id AND (@ownerId::bigint IS NULL OR user_id = @ownerId)
        FOR UPDATE
        """;

    /// <summary>The order's products, locked in id order as placement locks them, so the two never deadlock.</summary>
    public const string LockOrderProducts = """
        SELECT p.id FROM products p JOIN order_items oi ON oi.product_id = p.id
        WHERE oi.order_id = @id ORDER BY p.id FOR UPDATE OF p
        """;

    public const string ReturnStock = """
        UPDATE products p SET stock = p.stock + oi.quantity, updated_at = now()
        FROM order_items oi WHERE oi.order_id = @id AND p.id = oi.product_id
        """;

    /// <summary>Moves the order on and records who did it: no row when the actor's account is gone.</summary>
    public const string ChangeStatus = """
        WITH actor AS (SELECT id, email FROM users WHERE id = @actorId),
        changed AS (
            UPDATE orders SET status = @status,
                              courier = coalesce(@courier, courier),
                              tracking_number = coalesce(@trackingNumber, tracking_number)
            WHERE id = @id AND EXISTS (SELECT 1 FROM actor)
            RETURNING id)
        INSERT INTO order_status_history (order_id, status, actor_id, actor_email, note)
        SELECT changed.id, @status, actor.id, actor.email, @note FROM changed, actor
        """;

    public const string Lines = """
        SELECT oi.order_id, oi.product_id, p.name AS product_name, oi.quantity, oi.unit_price
        FROM order_items oi JOIN products p ON p.id = oi.product_id
        WHERE oi.order_id = ANY(@ids) ORDER BY oi.order_id, oi.product_id
        """;
}
