using Dapper;
using Npgsql;

namespace O4O.Platform.Carts;

/// <summary>The SQL behind carts: a signed-in customer's rows in <c>cart_items</c>, and a guest's products priced now.</summary>
internal sealed class CartStore(NpgsqlDataSource dataSource)
{
    public async Task<Cart> ReadAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var lines = await connection.QueryAsync<CartLine>(new CommandDefinition(
            """
            SELECT p.id AS product_id, p.name, p.price, p.stock, c.quantity
            FROM cart_items c JOIN products p ON p.id = c.product_id
            WHERE c.user_id = @userId ORDER BY c.added_at, p.id
            """,
            new { userId }, cancellationToken: cancellationToken));
        return new Cart(lines.AsList());
    }

    /// <summary>A guest's cart in its own order; products that no longer exist drop out.</summary>
    public async Task<Cart> ReadAsync(IReadOnlyList<(long ProductId, int Quantity)> guest, CancellationToken cancellationToken)
    {
        if (guest.Count == 0)
        {
            return new Cart([]);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var products = (await connection.QueryAsync<CartLine>(new CommandDefinition(
                "SELECT id AS product_id, name, price, stock, 0 AS quantity FROM products WHERE id = ANY(@ids)",
                new { ids = guest.Select(line => line.ProductId).ToArray() }, cancellationToken: cancellationToken)))
            .ToDictionary(line => line.ProductId);
        return new Cart([.. guest.Where(line => products.ContainsKey(line.ProductId))
            .Select(line => products[line.ProductId] with { Quantity = line.Quantity })]);
    }

    public async Task<int> CountAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT coalesce(sum(quantity), 0)::int FROM cart_items WHERE user_id = @userId", new { userId }, cancellationToken: cancellationToken));
    }

    /// <summary>Adds to a line (up to <see cref="CartRules.MaxQuantity"/>); false when a new line would pass <see cref="CartRules.MaxLines"/>.</summary>
    public async Task<bool> AddAsync(long userId, long productId, int quantity, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO cart_items (user_id, product_id, quantity)
            SELECT @userId, @productId, @quantity
            WHERE EXISTS (SELECT 1 FROM cart_items WHERE user_id = @userId AND product_id = @productId)
               OR (SELECT count(*) FROM cart_items WHERE user_id = @userId) < @maxLines
            ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = least(@maxQuantity, cart_items.quantity + excluded.quantity)
            """,
            new { userId, productId, quantity, maxLines = CartRules.MaxLines, maxQuantity = CartRules.MaxQuantity },
            cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Sets a line's quantity; 0 removes it. A product not in the cart stays out of it.</summary>
    public async Task SetAsync(long userId, long productId, int quantity, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            quantity == 0
                ? "DELETE FROM cart_items WHERE user_id = @userId AND product_id = @productId"
                : "UPDATE cart_items SET quantity = @quantity WHERE user_id = @userId AND product_id = @productId",
            new { userId, productId, quantity }, cancellationToken: cancellationToken));
    }

    /// <summary>Takes the products of a placed order out of the customer's cart.</summary>
    public async Task RemoveAsync(long userId, IEnumerable<long> productIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM cart_items WHERE user_id = @userId AND product_id = ANY(@ids)",
            new { userId, ids = productIds.ToArray() }, cancellationToken: cancellationToken));
    }

    /// <summary>Adds a guest's lines to the customer's cart at sign-in, quantities summed; unknown products are passed over.</summary>
    public async Task MergeAsync(long userId, IReadOnlyList<(long ProductId, int Quantity)> guest, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO cart_items (user_id, product_id, quantity)
            SELECT @userId, p.id, g.quantity
            FROM unnest(@ids, @quantities) AS g(product_id, quantity) JOIN products p ON p.id = g.product_id
            ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = least(@maxQuantity, cart_items.quantity + excluded.quantity)
            """,
            new
            {
                userId,
                ids = guest.Select(line => line.ProductId).ToArray(),
                quantities = guest.Select(line => line.Quantity).ToArray(),
                maxQuantity = CartRules.MaxQuantity,
            },
            cancellationToken: cancellationToken));
    }
}
