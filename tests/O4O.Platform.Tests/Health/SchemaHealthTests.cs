using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using O4O.Platform.Data;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Health;

public sealed class SchemaHealthTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task The_required_schema_names_every_table_and_column_the_migrations_create()
    {
        await using var connection = new NpgsqlConnection(Platform.ConnectionString);
        var migrated = (await connection.QueryAsync<(string Table, string Column)>(
                "SELECT table_name, column_name FROM information_schema.columns " +
                "WHERE table_schema = 'public' AND table_name <> 'schemaversions' ORDER BY table_name, column_name"))
            .ToList();

        var required = RequiredSchema.Tables
            .SelectMany(table => table.Value.Select(column => (Table: table.Key, Column: column)))
            .OrderBy(pair => pair.Table, StringComparer.Ordinal).ThenBy(pair => pair.Column, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(migrated, required);
    }

    [Fact]
    public async Task Readiness_fails_naming_a_dropped_table_with_its_sqlstate()
    {
        using var client = Platform.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health/ready")).StatusCode);

        await ExecuteAsync("DROP TABLE orders CASCADE");
        var body = await PollUnreadyAsync(client);

        var schema = body.GetProperty("checks").GetProperty("schema");
        Assert.Equal("Unhealthy", schema.GetProperty("status").GetString());
        Assert.Equal("42P01 relation \"orders\" does not exist", schema.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Readiness_fails_naming_a_dropped_column_with_its_sqlstate()
    {
        using var client = Platform.CreateClient();

        await ExecuteAsync("ALTER TABLE products DROP COLUMN stock");
        var body = await PollUnreadyAsync(client);

        Assert.Equal("42703 column \"stock\" of relation \"products\" does not exist",
            body.GetProperty("checks").GetProperty("schema").GetProperty("description").GetString());
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Platform.ConnectionString);
        await connection.ExecuteAsync(sql);
    }

    private static async Task<JsonElement> PollUnreadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var response = await client.GetAsync("/api/health/ready");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            await Task.Delay(100);
        }
    }
}
