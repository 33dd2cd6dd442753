using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Auth;

/// <summary>
/// Sign-ins over real HTTP from several loopback addresses: one address guessing or spraying is locked out and throttled
/// by itself, never the account's owner elsewhere; forwarded headers count only from the proxy the conductor configured.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SignInThrottlingTests(ManagedPostgresFixture postgres) : IAsyncLifetime
{
    private const int PermitLimit = 8;
    private const string Proxy = "127.0.0.2";

    private PlatformFactory _platform = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _platform = new PlatformFactory(await postgres.CreateDatabaseAsync("platform"), settings: new Dictionary<string, string?>
        {
            ["Auth:SignInPermitLimit"] = PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Auth:SignInWindow"] = "00:10:00",
            ["Platform:TrustedProxy"] = Proxy,
        });
        _address = _platform.StartKestrel();
    }

    public async Task DisposeAsync() => await _platform.DisposeAsync();

    [Fact]
    public async Task Five_wrong_passwords_from_one_address_lock_that_address_out_but_the_owner_signs_in_from_another()
    {
        using var attacker = LoopbackClients.From("127.0.0.3", _address);
        using var owner = LoopbackClients.From("127.0.0.4", _address);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await LoginAsync(attacker, PlatformFactory.AdminEmail, $"wrong-{i}")).StatusCode);
        }

        var attackerRight = await LoginAsync(attacker, PlatformFactory.AdminEmail, PlatformFactory.AdminPassword);
        var ownerRight = await LoginAsync(owner, PlatformFactory.AdminEmail, PlatformFactory.AdminPassword);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, attackerRight.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownerRight.StatusCode);
    }

    [Fact]
    public async Task Spraying_accounts_from_one_address_is_throttled_after_the_limit_while_another_address_signs_in()
    {
        using var sprayer = LoopbackClients.From("127.0.0.5", _address);
        using var owner = LoopbackClients.From("127.0.0.6", _address);
        var sprayed = new List<HttpResponseMessage>();
        for (var i = 0; i < PermitLimit + 4; i++)
        {
            sprayed.Add(await LoginAsync(sprayer, $"user-{i}@example.com", "Summer2026!"));
        }

        var sprayerRight = await LoginAsync(sprayer, PlatformFactory.AdminEmail, PlatformFactory.AdminPassword);
        var ownerRight = await LoginAsync(owner, PlatformFactory.AdminEmail, PlatformFactory.AdminPassword);

        Assert.All(sprayed.Take(PermitLimit), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.All(sprayed.Skip(PermitLimit).Append(sprayerRight), r =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            Assert.True(r.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        });
        Assert.Equal(HttpStatusCode.OK, ownerRight.StatusCode);
        Assert.Equal(PermitLimit, await FailedLoginsFromAsync("127.0.0.5"));
    }

    [Fact]
    public async Task A_direct_client_forging_forwarded_for_is_recorded_and_throttled_by_its_own_address()
    {
        using var forger = LoopbackClients.From("127.0.0.7", _address);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < PermitLimit + 2; i++)
        {
            statuses.Add((await LoginAsync(forger, $"user-{i}@example.com", "Summer2026!", forwardedFor: $"1.2.3.{i}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(PermitLimit, await FailedLoginsFromAsync("127.0.0.7"));
        Assert.Equal(0, await _platform.ScalarAsync("SELECT count(*) FROM auth_events WHERE client_address LIKE '1.2.3.%'"));
    }

    [Fact]
    public async Task The_configured_proxy_forwarding_a_client_records_the_client_address()
    {
        using var proxy = LoopbackClients.From(Proxy, _address);

        var response = await LoginAsync(proxy, PlatformFactory.AdminEmail, "wrong-password", forwardedFor: "198.51.100.9");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, await FailedLoginsFromAsync("198.51.100.9"));
        Assert.Equal(0, await FailedLoginsFromAsync(Proxy));
    }

    [Fact]
    public async Task The_admin_form_past_the_limit_shows_its_sign_in_page_with_the_wait_while_the_api_answers_a_problem()
    {
        using var browser = LoopbackClients.From("127.0.0.10", _address);
        HttpResponseMessage form = null!;
        for (var i = 0; i <= PermitLimit; i++)
        {
            form = await browser.PostAsync("admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = PlatformFactory.AdminEmail,
                ["password"] = $"wrong-{i}",
            }));
        }

        var api = await LoginAsync(browser, PlatformFactory.AdminEmail, PlatformFactory.AdminPassword);
        var page = await form.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        Assert.Equal("text/html", form.Content.Headers.ContentType?.MediaType);
        Assert.True(form.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        Assert.Contains("action=\"/admin/login\"", page, StringComparison.Ordinal);
        Assert.Matches(@"Too many sign-in attempts from this address\. Try again in \d+ seconds\.", page);
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/login") { Content = JsonContent.Create(new { email, password }) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await client.SendAsync(request);
    }

    private async Task<long> FailedLoginsFromAsync(string address)
    {
        await using var connection = new NpgsqlConnection(_platform.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM auth_events WHERE NOT succeeded AND client_address = @address", new { address });
    }
}
