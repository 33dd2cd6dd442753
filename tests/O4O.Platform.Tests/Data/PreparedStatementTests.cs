using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Data;

public sealed class PreparedStatementTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task A_statement_the_platform_runs_again_and_again_is_prepared_on_its_connection()
    {
        var dataSource = Platform.GetService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();

        for (var i = 0; i < 6; i++)
        {
            await using var command = new NpgsqlCommand("SELECT stock FROM products WHERE id = 1", connection);
            await command.ExecuteScalarAsync();
        }

        await using var prepared = new NpgsqlCommand(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT stock FROM products WHERE id = 1'", connection);
        Assert.Equal(1L, await prepared.ExecuteScalarAsync());
    }
}
