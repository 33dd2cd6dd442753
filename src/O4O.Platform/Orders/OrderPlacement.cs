using Dapper;
using Npgsql;

namespace O4O.Platform.Orders;

public enum PlacementOutcome
{
    Placed,
    Replayed,
    KeyReused,
    UnknownProducts,
    OutOfStock,
    TotalTooLarge,
    UnknownUser,
}

public sealed record PlacementResult(PlacementOutcome Outcome, Order? Order = null, IReadOnlyList<long>? ProductIds = null);

/// <summary>
/// Places an order in one transaction: the order row first (its unique idempotency key makes a retry, even a
/// concurrent one, wait for and then find the first order, replayed only when the retry asks for the same lines),
/// then the products locked in id order so two orders never deadlock, stock taken only where enough is left, the
/// lines, the total and the first history row. Any refusal rolls all of it back.
/// </summary>
internal sealed class OrderPlacement(NpgsqlDataSource dataSource, OrderStore orders, OrderMetrics metrics)
{
    /// <summary>The largest amount <c>numeric(12, 2)</c> holds.</summary>
    public const decimal MaxTotal = 9_999_999_999.99m;

    private sealed record LockedProduct(long Id, string Name, decimal Price, int Stock);

    public async Task<PlacementResult> PlaceAsync(
        long userId, SortedDictionary<long, int> lines, Shipping? shipping, string? idempotencyKey, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        CommandDefinition Command(string sql, object parameters) => new(sql, parameters, transaction, cancellationToken: cancellationToken);

        var hash = OrderRules.RequestHash(lines, shipping);
        long? orderId;
        try
        {
            orderId = await connection.ExecuteScalarAsync<long?>(Command(OrderSql.InsertOrder, new
            {
                userId,
                key = idempotencyKey,
                hash,
                shipping?.Recipient,
                shipping?.Phone,
                shipping?.PostalCode,
                shipping?.Address,
                shipping?.AddressDetail,
                shipping?.DeliveryNote,
            }));
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // A token outlived its account, e.g. after a restore from an older backup.
            return new PlacementResult(PlacementOutcome.UnknownUser);
        }

        if (orderId is not { } id)
        {
            // The insert waited for the first request under this key to commit, so its row is there to compare with.
            var reused = await connection.ExecuteScalarAsync<bool>(Command(OrderSql.KeyBoundToOtherRequest, new { userId, key = idempotencyKey, hash }));
            await transaction.RollbackAsync(cancellationToken);
            if (reused)
            {
                return new PlacementResult(PlacementOutcome.KeyReused);
            }

            var first = await orders.FindByKeyAsync(userId, idempotencyKey!, cancellationToken);
            return new PlacementResult(PlacementOutcome.Replayed, first);
        }

        var ids = lines.Keys.ToArray();
        var quantities = lines.Values.ToArray();
        var products = (await connection.QueryAsync<LockedProduct>(Command(OrderSql.LockProducts, new { ids }))).ToDictionary(p => p.Id);
        var unknown = ids.Where(productId => !products.ContainsKey(productId)).ToList();
        // Returning without a commit disposes the transaction, which rolls back the order row too.
        if (unknown.Count > 0)
        {
            return new PlacementResult(PlacementOutcome.UnknownProducts, ProductIds: unknown);
        }

        var lacking = ids.Where(productId => products[productId].Stock < lines[productId]).ToList();
        var taken = lacking.Count == 0 ? await connection.ExecuteAsync(Command(OrderSql.TakeStock, new { ids, quantities })) : 0;
        if (taken != ids.Length)
        {
            return new PlacementResult(PlacementOutcome.OutOfStock, ProductIds: lacking);
        }

        var prices = ids.Select(productId => products[productId].Price).ToArray();
        var total = ids.Select((productId, i) => prices[i] * quantities[i]).Sum();
        if (total > MaxTotal)
        {
            return new PlacementResult(PlacementOutcome.TotalTooLarge);
        }

        await connection.ExecuteAsync(Command(OrderSql.InsertLines, new { orderId = id, ids, quantities, prices }));
        var (createdAt, email) = await connection.QuerySingleAsync<(DateTime, string)>(Command(OrderSql.SetTotal, new { orderId = id, total }));
        await transaction.CommitAsync(cancellationToken);
        metrics.Placed();

        var items = ids.Select((productId, i) => new OrderLine(productId, products[productId].Name, quantities[i], prices[i])).ToList();
        var placed = new OrderStatusChange(OrderWorkflow.Placed, createdAt, email, Note: null) { ActorId = userId };
        return new PlacementResult(PlacementOutcome.Placed,
            new Order(id, userId, OrderWorkflow.Placed, total, createdAt, items, shipping, Courier: null, TrackingNumber: null, [placed]));
    }
}
