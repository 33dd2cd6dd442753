using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Data;

[Collection(PlatformCollection.Name)]
public sealed class CatalogueMigrationTests(ManagedPostgresFixture postgres)
{
    private const string CatalogueMigration = "0010_catalogue.sql";

    [Fact]
    public async Task A_database_made_before_the_catalogue_migration_is_upgraded_in_place_with_its_data_kept_and_the_demo_in_categories()
    {
        var database = await postgres.CreateDatabaseAsync("before-catalogue");
        OlderRelease.Migrate(database, CatalogueMigration);
        await using var connection = new NpgsqlConnection(database);
        var customer = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO users (email, password_hash) VALUES ('old.customer@example.com', 'x') RETURNING id");
        var own = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO products (sku, name, price, stock) VALUES ('TEA-OWN-1', 'An operator''s own tea', 9.00, 3) RETURNING id");
        var order = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO orders (user_id, total) VALUES (@customer, 37.00) RETURNING id", new { customer });
        await connection.ExecuteAsync(
            "INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES (@order, 1, 2, 18.50)", new { order });
        var kept = await connection.ExecuteScalarAsync<string>(OlderRelease.Fingerprint, new { users = new[] { customer } });

        await using (var platform = new PlatformFactory(database))
        {
            _ = platform.Server;
        }

        Assert.Equal(kept, await connection.ExecuteScalarAsync<string>(OlderRelease.Fingerprint, new { users = new[] { customer } }));
        Assert.Equal("tea", await connection.ExecuteScalarAsync<string>(
            "SELECT c.slug FROM products p JOIN categories c ON c.id = p.category_id WHERE p.sku = 'TEA-001'"));
        Assert.Equal("차", await connection.ExecuteScalarAsync<string>("SELECT name_ko FROM categories WHERE slug = 'tea'"));
        Assert.Null(await connection.ExecuteScalarAsync<long?>("SELECT category_id FROM products WHERE id = @own", new { own }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM products WHERE archived OR image IS NOT NULL"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM schemaversions WHERE scriptname LIKE '%' || @script", new { script = CatalogueMigration }));
    }

    [Fact]
    public async Task The_Korean_names_go_to_the_demo_categories_an_operator_has_not_renamed()
    {
        var database = await postgres.CreateDatabaseAsync("before-korean-categories");
        OlderRelease.Migrate(database, "0011_category_names_in_korean.sql");
        await using var connection = new NpgsqlConnection(database);
        await connection.ExecuteAsync("UPDATE categories SET name = 'Teas and tisanes' WHERE slug = 'tea'");

        await using (var platform = new PlatformFactory(database))
        {
            _ = platform.Server;
        }

        Assert.Null(await connection.ExecuteScalarAsync<string?>("SELECT name_ko FROM categories WHERE slug = 'tea'"));
        Assert.Equal("커피", await connection.ExecuteScalarAsync<string>("SELECT name_ko FROM categories WHERE slug = 'coffee'"));
    }
}
