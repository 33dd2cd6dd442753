using Dapper;
using Npgsql;
using O4O.Platform.Http;

namespace O4O.Platform.Orders;

/// <summary>Reads orders with their lines and status history; <c>userId</c> null means every user's (admin).</summary>
internal sealed class OrderStore(NpgsqlDataSource dataSource)
{
    private sealed record Header(
        long Id, long UserId, string Status, decimal Total, DateTime CreatedAt, string? Courier, string? TrackingNumber,
        string? Recipient, string? Phone, string? PostalCode, string? Address, string? AddressDetail, string? DeliveryNote);

    private sealed record Line(long OrderId, long ProductId, string ProductName, int Quantity, decimal UnitPrice);

    private sealed record Change(long OrderId, string Status, DateTime At, long? ActorId, string? ActorEmail, string? Note);

    /// <summary>A page of orders, newest first; <paramref name="status"/> (a known status) keeps only those in it.</summary>
    public async Task<PagedList<Order>> ListAsync(long? userId, string? status, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new { userId, status, limit = page.PageSize, offset = page.Offset };
        const string Filter = "WHERE (@userId::bigint IS NULL OR user_id = @userId) AND (@status::text IS NULL OR status = @status)";
        var headers = await connection.QueryAsync<Header>(new CommandDefinition(
            $"{OrderSql.Headers} {Filter} ORDER BY id DESC LIMIT @limit OFFSET @offset", parameters, cancellationToken: cancellationToken));
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM orders {Filter}", parameters, cancellationToken: cancellationToken));
        return new PagedList<Order>(await CompleteAsync(connection, headers.AsList(), cancellationToken), page.Page, page.PageSize, total);
    }

    public Task<Order?> FindAsync(long id, long? userId, CancellationToken cancellationToken) =>
        FindOneAsync($"{OrderSql.Headers} WHERE id = @id AND (@userId::bigint IS NULL OR user_id = @userId)", new { id, userId }, cancellationToken);

    public Task<Order?> FindByKeyAsync(long userId, string key, CancellationToken cancellationToken) =>
        FindOneAsync($"{OrderSql.Headers} WHERE user_id = @userId AND idempotency_key = @key", new { userId, key }, cancellationToken);

    private async Task<Order?> FindOneAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var header = await connection.QuerySingleOrDefaultAsync<Header>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return header is null ? null : (await CompleteAsync(connection, [header], cancellationToken))[0];
    }

    /// <summary>Adds the lines and the history to the headers, two queries for any number of orders.</summary>
    private static async Task<List<Order>> CompleteAsync(NpgsqlConnection connection, List<Header> headers, CancellationToken cancellationToken)
    {
        var ids = headers.Select(header => header.Id).ToArray();
        var lines = (await connection.QueryAsync<Line>(new CommandDefinition(OrderSql.Lines, new { ids }, cancellationToken: cancellationToken)))
            .ToLookup(line => line.OrderId, line => new OrderLine(line.ProductId, line.ProductName, line.Quantity, line.UnitPrice));
        var history = (await connection.QueryAsync<Change>(new CommandDefinition(OrderSql.History, new { ids }, cancellationToken: cancellationToken)))
            .ToLookup(change => change.OrderId, change => new OrderStatusChange(change.Status, change.At, change.ActorEmail, change.Note) { ActorId = change.ActorId });
        return headers.Select(h => new Order(
            h.Id, h.UserId, h.Status, h.Total, h.CreatedAt, lines[h.Id].ToList(), ShippingOf(h), h.Courier, h.TrackingNumber, history[h.Id].ToList())).ToList();
    }

    private static Shipping? ShippingOf(Header h) =>
        h is { Recipient: { } recipient, Phone: { } phone, PostalCode: { } postalCode, Address: { } address }
            ? new Shipping(recipient, phone, postalCode, address, h.AddressDetail, h.DeliveryNote)
            : null;
}
