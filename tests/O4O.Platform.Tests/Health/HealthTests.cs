using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Health;

public sealed class HealthTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task Health_reports_each_check_with_the_database_round_trip()
    {
        using var client = Platform.CreateClient();

        var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var database = body.GetProperty("checks").GetProperty("database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        Assert.True(database.GetProperty("data").GetProperty("roundTripMs").GetDouble() >= 0);
        Assert.True(body.GetProperty("checks").GetProperty("disk").GetProperty("data").GetProperty("freeBytes").GetInt64() > 0);
        Assert.True(body.GetProperty("checks").TryGetProperty("memory", out _));
        Assert.True(body.GetProperty("ageMs").GetDouble() <= 1000);
    }

    [Fact]
    public async Task Liveness_answers_without_touching_the_database()
    {
        using var client = Platform.CreateClient();
        await SetConnectionsAllowedAsync(false);
        try
        {
            var response = await client.GetAsync("/api/health/live");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await SetConnectionsAllowedAsync(true);
        }
    }

    [Fact]
    public async Task Connections_the_server_ended_under_the_pool_do_not_make_the_database_look_down()
    {
        using var client = Platform.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health")).StatusCode);

        // What a restore's swap does to the platform's pooled connections, with the database still there.
        await SetConnectionsAllowedAsync(true);
        var ended = DateTimeOffset.UtcNow;
        var fresh = new List<string>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (fresh.Count < 3 && DateTimeOffset.UtcNow < deadline)
        {
            var body = await (await client.GetAsync("/api/health")).Content.ReadFromJsonAsync<JsonElement>();
            if (body.GetProperty("checkedAt").GetDateTimeOffset() > ended)
            {
                fresh.Add(body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString()!);
            }

            await Task.Delay(200);
        }

        Assert.Equal(["Healthy", "Healthy", "Healthy"], fresh);
    }

    [Fact]
    public async Task Health_is_503_while_the_database_is_unreachable_and_recovers_without_a_restart()
    {
        using var client = Platform.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/products")).StatusCode);

        await SetConnectionsAllowedAsync(false);
        var down = await PollAsync(client, "/api/health", HttpStatusCode.ServiceUnavailable);
        var body = await down.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        var failed = await client.GetAsync("/api/v1/products");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType?.MediaType);

        await SetConnectionsAllowedAsync(true);
        await PollAsync(client, "/api/health", HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/products")).StatusCode);
    }

    private static async Task<HttpResponseMessage> PollAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var response = await client.GetAsync(path);
            if (response.StatusCode == expected || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected, response.StatusCode);
                return response;
            }

            await Task.Delay(100);
        }
    }
}
