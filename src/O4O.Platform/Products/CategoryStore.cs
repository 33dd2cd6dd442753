using Dapper;
using Npgsql;

namespace O4O.Platform.Products;

/// <summary>The SQL behind the categories: few rows, read whole.</summary>
internal sealed class CategoryStore(NpgsqlDataSource dataSource)
{
    /// <summary>Every category in the storefront's order; also a statement of the storefront's one round trip.</summary>
    public const string ListSql = "SELECT id, name, slug, sort_order, name_ko FROM categories ORDER BY sort_order, name, id;";

    public async Task<IReadOnlyList<Category>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Category>(new CommandDefinition(ListSql, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>How many products on sale (not archived) each category holds; a category without any is absent.</summary>
    public async Task<IReadOnlyDictionary<long, long>> ProductCountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(long CategoryId, long Products)>(new CommandDefinition(
                "SELECT category_id, count(*) FROM products WHERE category_id IS NOT NULL AND NOT archived GROUP BY category_id",
                cancellationToken: cancellationToken)))
            .ToDictionary(row => row.CategoryId, row => row.Products);
    }

    /// <exception cref="PostgresException">A taken slug (unique violation).</exception>
    public async Task<Category> CreateAsync(CategoryInput input, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<Category>(new CommandDefinition(
            "INSERT INTO categories (name, slug, sort_order, name_ko) VALUES (@name, @slug, @sortOrder, @nameKo) RETURNING id, name, slug, sort_order, name_ko",
            Parameters(input), cancellationToken: cancellationToken));
    }

    /// <exception cref="PostgresException">A taken slug (unique violation).</exception>
    public async Task<Category?> UpdateAsync(long id, CategoryInput input, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Category>(new CommandDefinition(
            """
            UPDATE categories SET name = @name, slug = @slug, sort_order = @sortOrder, name_ko = @nameKo WHERE id = @id
            RETURNING id, name, slug, sort_order, name_ko
            """,
            Parameters(input, id), cancellationToken: cancellationToken));
    }

    private static object Parameters(CategoryInput input, long id = 0) =>
        new { id, name = input.Name!.Trim(), slug = input.Slug, sortOrder = input.SortOrder ?? 0, nameKo = string.IsNullOrWhiteSpace(input.NameKo) ? null : input.NameKo.Trim() };
}
