using Dapper;
using Npgsql;
using O4O.Platform.Http;

namespace O4O.Platform.Orders;

/// <summary>Reads orders with their lines; <c>userId</c> null means every user's (admin).</summary>
internal sealed class OrderStore(NpgsqlDataSource dataSource)
{
    private sealed record Header(long Id, long UserId, string Status, decimal Total, DateTime CreatedAt);

    private sealed record Line(long OrderId, long ProductId, string ProductName, int Quantity, decimal UnitPrice);

    public async Task<PagedList<Order>> ListAsync(long? userId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new { userId, limit = page.PageSize, offset = page.Offset };
        const string Mine = "WHERE @userId::bigint IS NULL OR user_id = @userId";
        var headers = await connection.QueryAsync<Header>(new CommandDefinition(
            $"{OrderSql.Headers} {Mine} ORDER BY id DESC LIMIT @limit OFFSET @offset", parameters, cancellationToken: cancellationToken));
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM orders {Mine}", parameters, cancellationToken: cancellationToken));
        return new PagedList<Order>(await WithLinesAsync(connection, headers.AsList(), cancellationToken), page.Page, page.PageSize, total);
    }

    public Task<Order?> FindAsync(long id, long? userId, CancellationToken cancellationToken) =>
        FindOneAsync($"{OrderSql.Headers} WHERE id = @id AND (@userId::bigint IS NULL OR user_id = @userId)", new { id, userId }, cancellationToken);

    public Task<Order?> FindByKeyAsync(long userId, string key, CancellationToken cancellationToken) =>
        FindOneAsync($"{OrderSql.Headers} WHERE user_id = @userId AND idempotency_key = @key", new { userId, key }, cancellationToken);

    private async Task<Order?> FindOneAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var header = await connection.QuerySingleOrDefaultAsync<Header>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return header is null ? null : (await WithLinesAsync(connection, [header], cancellationToken))[0];
    }

    private static async Task<List<Order>> WithLinesAsync(NpgsqlConnection connection, List<Header> headers, CancellationToken cancellationToken)
    {
        var ids = headers.Select(header => header.Id).ToArray();
        var lines = (await connection.QueryAsync<Line>(new CommandDefinition(OrderSql.Lines, new { ids }, cancellationToken: cancellationToken)))
            .ToLookup(line => line.OrderId, line => new OrderLine(line.ProductId, line.ProductName, line.Quantity, line.UnitPrice));
        return headers.Select(h => new Order(h.Id, h.UserId, h.Status, h.Total, h.CreatedAt, lines[h.Id].ToList())).ToList();
    }
}
