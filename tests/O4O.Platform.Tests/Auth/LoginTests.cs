using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Auth;

public sealed class LoginTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task Login_with_the_right_password_returns_a_bearer_token_and_its_expiry()
    {
        using var client = Platform.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = "ADMIN@o4o.test", password = PlatformFactory.AdminPassword });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, body.GetProperty("token").GetString()!.Split('.').Length);
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Wrong_password_is_401_logged_with_email_and_address_but_never_the_password()
    {
        using var client = Platform.CreateClient();
        const string Guess = "guess-Zq81-not-it";

        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = PlatformFactory.AdminEmail, password = Guess });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var line = Assert.Single(ReadLog("app.log"), l => l.Contains("Failed login", StringComparison.Ordinal));
        Assert.Contains(PlatformFactory.AdminEmail, line, StringComparison.Ordinal);
        Assert.Contains(PlatformFactory.ClientAddress.ToString(), line, StringComparison.Ordinal);
        Assert.DoesNotContain(ReadLog("app.log"), l => l.Contains(Guess, StringComparison.Ordinal));
        var audit = await QueryAuditAsync();
        Assert.Contains(audit, e => e is { Email: PlatformFactory.AdminEmail, Succeeded: false, ClientAddress: "203.0.113.7" });
    }

    [Fact]
    public async Task Five_failed_logins_lock_the_account_even_against_the_right_password()
    {
        using var client = Platform.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = PlatformFactory.AdminEmail, password = $"wrong-{i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var fifth = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = PlatformFactory.AdminEmail, password = "wrong-4" });
        var right = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = PlatformFactory.AdminEmail, password = PlatformFactory.AdminPassword });

        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.True(right.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(14));
        Assert.Equal(6, (await QueryAuditAsync()).Count(e => !e.Succeeded));
    }

    [Fact]
    public async Task Unknown_email_is_the_same_401_as_a_wrong_password()
    {
        using var client = Platform.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody@example.com", password = "whatever-1" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(ReadLog("app.log"), l => l.Contains("Failed login", StringComparison.Ordinal) && l.Contains("nobody@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registering_names_each_invalid_field_and_refuses_an_email_taken_in_another_case()
    {
        using var client = Platform.CreateClient();

        var invalid = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "not an email", password = "short" });
        var taken = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "Admin@O4O.test", password = "long-enough-1" });

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("password", out _));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
    }

    private string[] ReadLog(string name) => Platform.ReadLog(name).Split('\n');

    private async Task<List<AuthEvent>> QueryAuditAsync()
    {
        await using var connection = new NpgsqlConnection(Platform.ConnectionString);
        return (await connection.QueryAsync<AuthEvent>("SELECT email, client_address, succeeded FROM auth_events")).AsList();
    }

    private sealed record AuthEvent(string Email, string ClientAddress, bool Succeeded);
}
