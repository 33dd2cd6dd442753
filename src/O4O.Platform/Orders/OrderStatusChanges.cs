using Dapper;
using Npgsql;

namespace O4O.Platform.Orders;

public enum StatusChangeOutcome
{
    Changed,
    /// <summary>The order already had that status (and parcel): a repeated request, nothing written.</summary>
    Unchanged,
    NotFound,
    Illegal,
    UnknownActor,
}

public sealed record StatusChangeResult(StatusChangeOutcome Outcome, string? CurrentStatus = null);

/// <summary>
/// Moves an order along its workflow (<see cref="OrderWorkflow"/>) in one transaction: the order row locked first,
/// then, when the step returns the stock, its products in id order (as placement locks them) and their stock put
/// back; the new status and a history row naming the actor. Two concurrent changes of one order are serialised by
/// the order's lock: the second sees the first's status, so stock is never returned twice.
/// </summary>
internal sealed class OrderStatusChanges(NpgsqlDataSource dataSource)
{
    private sealed record Locked(string Status, string? Courier, string? TrackingNumber);

    /// <param name="orderId">The order.</param>
    /// <param name="ownerId">The customer whose order it must be, or null for any order (an admin).</param>
    /// <param name="actorId">Who makes the change, recorded with the email the account has now.</param>
    /// <param name="change">The validated change.</param>
    /// <param name="cancellationToken">Cancels the change; nothing of it is kept.</param>
    public async Task<StatusChangeResult> ChangeAsync(
        long orderId, long? ownerId, long actorId, StatusChange change, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        CommandDefinition Command(string sql, object parameters) => new(sql, parameters, transaction, cancellationToken: cancellationToken);

        var order = await connection.QuerySingleOrDefaultAsync<Locked>(Command(OrderSql.LockOrder, new { id = orderId, ownerId }));
        if (order is null)
        {
            return new StatusChangeResult(StatusChangeOutcome.NotFound);
        }

        if (order.Status == change.Status && (change.Status != OrderWorkflow.Shipped || (order.Courier, order.TrackingNumber) == (change.Courier, change.TrackingNumber)))
        {
            return new StatusChangeResult(StatusChangeOutcome.Unchanged, order.Status);
        }

        if (!OrderWorkflow.IsLegal(order.Status, change.Status))
        {
            return new StatusChangeResult(StatusChangeOutcome.Illegal, order.Status);
        }

        if (OrderWorkflow.ReturnsStock(change.Status))
        {
            await connection.QueryAsync<long>(Command(OrderSql.LockOrderProducts, new { id = orderId }));
            await connection.ExecuteAsync(Command(OrderSql.ReturnStock, new { id = orderId }));
        }

        var recorded = await connection.ExecuteAsync(Command(OrderSql.ChangeStatus, new
        {
            id = orderId,
            actorId,
            status = change.Status,
            courier = change.Courier,
            trackingNumber = change.TrackingNumber,
            note = change.Note,
        }));
        if (recorded == 0)
        {
            // Returning without a commit rolls the stock back too.
            return new StatusChangeResult(StatusChangeOutcome.UnknownActor);
        }

        await transaction.CommitAsync(cancellationToken);
        return new StatusChangeResult(StatusChangeOutcome.Changed, change.Status);
    }
}
