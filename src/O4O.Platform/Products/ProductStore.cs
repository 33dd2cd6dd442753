using Dapper;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using O4O.Platform.Http;

namespace O4O.Platform.Products;

/// <summary>The SQL behind the product endpoints and the storefront.</summary>
internal sealed class ProductStore(NpgsqlDataSource dataSource) : IDisposable
{
    /// <summary>How long the storefront's pager may show a count read earlier (the products on the page are never stale).</summary>
    public static readonly TimeSpan CountLifetime = TimeSpan.FromSeconds(2);

    // In the order of Product's constructor, which Dapper follows.
    private const string Columns = """
        p.id, p.sku, p.name, p.description, p.price, p.stock, p.created_at, p.updated_at,
        p.category_id, c.name AS category_name, c.name_ko AS category_name_ko, c.slug AS category_slug, p.archived, p.image
        """;
    private const string WithCategory = "LEFT JOIN categories c ON c.id = p.category_id";
    private const string Filter = """
        WHERE (@pattern::text IS NULL
               OR p.name ILIKE @pattern ESCAPE '\' OR p.sku ILIKE @pattern ESCAPE '\' OR p.description ILIKE @pattern ESCAPE '\')
          AND (@category::text IS NULL OR c.slug = @category)
          AND (@archived::boolean IS NULL OR p.archived = @archived)
        """;

    // Counting reads every matching row: on a catalogue of 10,000 products it cost the listing more than the page itself.
    // Shoppers get the count of the last CountLifetime; the admin pages and the API count every time.
    private readonly MemoryCache _storefrontCounts = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public async Task<PagedList<Product>> ListAsync(PageRequest page, ProductFilter filter, string orderBy, CancellationToken cancellationToken) =>
        (await ReadListAsync(page, filter, orderBy, withCategories: false, knownCount: null, cancellationToken)).Products;

    /// <summary>A page of products with every category, in one round trip: the storefront's only query.</summary>
    public async Task<(PagedList<Product> Products, IReadOnlyList<Category> Categories)> BrowseAsync(
        PageRequest page, ProductFilter filter, string orderBy, CancellationToken cancellationToken)
    {
        var knownCount = _storefrontCounts.TryGetValue(filter, out long count) ? count : (long?)null;
        var result = await ReadListAsync(page, filter, orderBy, withCategories: true, knownCount, cancellationToken);
        if (knownCount is null)
        {
            _storefrontCounts.Set(filter, result.Products.TotalCount, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = CountLifetime, Size = 1 });
        }

        return result;
    }

    public async Task<Product?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Product>(new CommandDefinition(
            $"SELECT {Columns} FROM products p {WithCategory} WHERE p.id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <exception cref="PostgresException">A taken sku (unique violation) or an unknown category (foreign key violation).</exception>
    public Task<Product> CreateAsync(ProductInput input, CancellationToken cancellationToken) => WriteAsync(
        """
        INSERT INTO products (sku, name, description, price, stock, category_id)
        VALUES (@sku, @name, @description, @price, @stock, @categoryId) RETURNING *
        """,
        Parameters(input), cancellationToken)!;

    /// <summary>PUT: every field, stock included.</summary>
    public Task<Product?> UpdateAsync(long id, ProductInput input, CancellationToken cancellationToken) => WriteAsync(
        """
        UPDATE products SET sku = @sku, name = @name, description = @description, price = @price, stock = @stock,
                            category_id = @categoryId, updated_at = now()
        WHERE id = @id RETURNING *
        """,
        Parameters(input, id), cancellationToken);

    /// <summary>
    /// PATCH and the admin form: everything but stock, which only orders and <see cref="StockStore.AdjustAsync"/> move —
    /// writing back a count read earlier would undo an order placed in between.
    /// </summary>
    public Task<Product?> UpdateDetailsAsync(long id, ProductInput input, CancellationToken cancellationToken) => WriteAsync(
        """
        UPDATE products SET sku = @sku, name = @name, description = @description, price = @price, category_id = @categoryId,
                            updated_at = now()
        WHERE id = @id RETURNING *
        """,
        Parameters(input with { Stock = 0 }, id), cancellationToken);

    /// <summary>Archives or brings back a product: archived, it is off the storefront and cannot be ordered, and its orders keep it.</summary>
    public Task<Product?> SetArchivedAsync(long id, bool archived, CancellationToken cancellationToken) => WriteAsync(
        "UPDATE products SET archived = @archived, updated_at = now() WHERE id = @id RETURNING *", new { id, archived }, cancellationToken);

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM products WHERE id = @id", new { id }, cancellationToken: cancellationToken)) == 1;
    }

    private async Task<(PagedList<Product> Products, IReadOnlyList<Category> Categories)> ReadListAsync(
        PageRequest page, ProductFilter filter, string orderBy, bool withCategories, long? knownCount, CancellationToken cancellationToken)
    {
        // orderBy comes from ProductRules.Sorts, never from the request itself.
        var sql = $"""
            SELECT {Columns} FROM products p {WithCategory} {Filter} ORDER BY {orderBy} LIMIT @limit OFFSET @offset;
            {(knownCount is null ? $"SELECT count(*) FROM products p {WithCategory} {Filter};" : "")}
            {(withCategories ? CategoryStore.ListSql : "")}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            sql,
            new { pattern = filter.Pattern, category = filter.CategorySlug, archived = filter.Archived, limit = page.PageSize, offset = page.Offset },
            cancellationToken: cancellationToken));
        var items = (await results.ReadAsync<Product>()).AsList();
        var total = knownCount ?? await results.ReadSingleAsync<long>();
        IReadOnlyList<Category> categories = withCategories ? (await results.ReadAsync<Category>()).AsList() : [];
        return (new PagedList<Product>(items, page.Page, page.PageSize, total), categories);
    }

    /// <summary>Runs a write whose RETURNING * is named <c>p</c>, and reads the product back with its category in the same statement.</summary>
    private async Task<Product?> WriteAsync(string write, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Product>(new CommandDefinition(
            $"WITH p AS ({write}) SELECT {Columns} FROM p {WithCategory}", parameters, cancellationToken: cancellationToken));
    }

    public void Dispose() => _storefrontCounts.Dispose();

    private static object Parameters(ProductInput input, long id = 0) => new
    {
        id,
        sku = input.Sku!.Trim(),
        name = input.Name!.Trim(),
        description = input.Description?.Trim() ?? "",
        price = input.Price!.Value,
        stock = input.Stock!.Value,
        categoryId = input.CategoryId,
    };
}
