using Dapper;
using Npgsql;

namespace O4O.Platform.Products;

/// <summary>Stock changed by hand, always with its reason and its admin in <c>stock_adjustments</c>.</summary>
internal sealed class StockStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "a.id, a.product_id, a.delta, a.stock_after, a.reason, a.admin_id, u.email AS admin_email, a.at";

    /// <summary>
    /// Moves the stock by <paramref name="delta"/> and records it, in one statement: the row lock of the UPDATE orders it
    /// with concurrent orders, and a count that would go below zero or above <see cref="ProductRules.MaxStock"/> changes nothing.
    /// </summary>
    public async Task<(AdjustmentOutcome Outcome, StockAdjustment? Adjustment, int? Stock)> AdjustAsync(
        long productId, int delta, string reason, long adminId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var adjustment = await connection.QuerySingleOrDefaultAsync<StockAdjustment>(new CommandDefinition(
            $"""
            WITH p AS (
                UPDATE products SET stock = stock + @delta, updated_at = now()
                WHERE id = @productId AND stock + @delta::bigint BETWEEN 0 AND @maxStock RETURNING id, stock
            ), a AS (
                INSERT INTO stock_adjustments (product_id, delta, stock_after, reason, admin_id)
                SELECT id, @delta, stock, @reason, @adminId FROM p RETURNING *
            )
            SELECT {Columns} FROM a JOIN users u ON u.id = a.admin_id
            """,
            new { productId, delta, reason = reason.Trim(), adminId, maxStock = ProductRules.MaxStock }, cancellationToken: cancellationToken));
        if (adjustment is not null)
        {
            return (AdjustmentOutcome.Adjusted, adjustment, adjustment.StockAfter);
        }

        var stock = await connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(
            "SELECT stock FROM products WHERE id = @productId", new { productId }, cancellationToken: cancellationToken));
        return (stock switch
        {
            null => AdjustmentOutcome.NoProduct,
            _ when stock + (long)delta < 0 => AdjustmentOutcome.BelowZero,
            _ => AdjustmentOutcome.AboveMaximum,
        }, null, stock);
    }

    /// <summary>The product's adjustments, newest first.</summary>
    public async Task<IReadOnlyList<StockAdjustment>> HistoryAsync(long productId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<StockAdjustment>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM stock_adjustments a JOIN users u ON u.id = a.admin_id
            WHERE a.product_id = @productId ORDER BY a.id DESC LIMIT @limit
            """,
            new { productId, limit }, cancellationToken: cancellationToken))).AsList();
    }
}

internal enum AdjustmentOutcome
{
    Adjusted,
    NoProduct,
    BelowZero,
    AboveMaximum,
}
