using Dapper;
using Npgsql;
using O4O.Platform.Http;

namespace O4O.Platform.Products;

/// <summary>The SQL behind the product endpoints and the storefront.</summary>
internal sealed class ProductStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, sku, name, description, price, stock, created_at, updated_at";
    private const string SearchFilter = """
        WHERE @pattern::text IS NULL
           OR name ILIKE @pattern ESCAPE '\' OR sku ILIKE @pattern ESCAPE '\' OR description ILIKE @pattern ESCAPE '\'
        """;

    public async Task<PagedList<Product>> ListAsync(PageRequest page, string? pattern, string orderBy, CancellationToken cancellationToken)
    {
        // orderBy comes from ProductRules.Sorts, never from the request itself.
        var sql = $"""
            SELECT {Columns} FROM products {SearchFilter} ORDER BY {orderBy} LIMIT @limit OFFSET @offset;
            SELECT count(*) FROM products {SearchFilter};
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            sql, new { pattern, limit = page.PageSize, offset = page.Offset }, cancellationToken: cancellationToken));
        var items = (await results.ReadAsync<Product>()).AsList();
        var total = await results.ReadSingleAsync<long>();
        return new PagedList<Product>(items, page.Page, page.PageSize, total);
    }

    public async Task<Product?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Product>(new CommandDefinition(
            $"SELECT {Columns} FROM products WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<Product> CreateAsync(ProductInput input, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<Product>(new CommandDefinition(
            $"""
            INSERT INTO products (sku, name, description, price, stock) VALUES (@sku, @name, @description, @price, @stock)
            RETURNING {Columns}
            """,
            Parameters(input), cancellationToken: cancellationToken));
    }

    public async Task<Product?> UpdateAsync(long id, ProductInput input, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Product>(new CommandDefinition(
            $"""
            UPDATE products SET sku = @sku, name = @name, description = @description, price = @price, stock = @stock,
                                updated_at = now()
            WHERE id = @id RETURNING {Columns}
            """,
            Parameters(input, id), cancellationToken: cancellationToken));
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM products WHERE id = @id", new { id }, cancellationToken: cancellationToken)) == 1;
    }

    private static object Parameters(ProductInput input, long id = 0) => new
    {
        id,
        sku = input.Sku!.Trim(),
        name = input.Name!.Trim(),
        description = input.Description?.Trim() ?? "",
        price = input.Price!.Value,
        stock = input.Stock!.Value,
    };
}
