using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Data;

[Collection(PlatformCollection.Name)]
public sealed class DemoPricesMigrationTests(ManagedPostgresFixture postgres)
{
    private const string DemoPricesMigration = "0009_demo_prices_in_won.sql";

    [Fact]
    public async Task The_demo_catalogue_is_repriced_in_won_and_a_price_the_operator_changed_is_kept()
    {
        var database = await postgres.CreateDatabaseAsync("before-won");
        OlderRelease.Migrate(database, DemoPricesMigration);
        await using var connection = new NpgsqlConnection(database);
        await connection.ExecuteAsync("UPDATE products SET price = 7500 WHERE sku = 'TEA-002'");
        var tea = await connection.ExecuteScalarAsync<long>("SELECT id FROM products WHERE sku = 'TEA-001'");

        await using var platform = new PlatformFactory(database);
        using var visitor = platform.CreateClient();
        var page = await visitor.GetStringAsync($"/products/{tea}?lang=ko");

        Assert.Equal(18500m, await connection.ExecuteScalarAsync<decimal>("SELECT price FROM products WHERE sku = 'TEA-001'"));
        Assert.Equal(7500m, await connection.ExecuteScalarAsync<decimal>("SELECT price FROM products WHERE sku = 'TEA-002'"));
        Assert.Equal(119000m, await connection.ExecuteScalarAsync<decimal>("SELECT price FROM products WHERE sku = 'HOM-001'"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM products WHERE price <> trunc(price)"));
        Assert.Contains("₩18,500", page, StringComparison.Ordinal);
    }
}
