using System.Net;
using System.Net.Http.Headers;
using Dapper;
using Npgsql;
using O4O.Platform.Tests.Web;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Auth;

public sealed class SessionRevocationTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task A_locked_customer_gets_401_on_the_next_request_with_the_token_they_hold_and_signs_in_again_once_unlocked()
    {
        var (email, password) = await Platform.RegisterCustomerAsync();
        var id = await Platform.ScalarAsync($"SELECT id FROM users WHERE email = '{email}'");
        using var customer = await SignedInAsync(email, password);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var beforeLock = await customer.GetAsync("/api/v1/orders");
        await admin.PostFormAsync("/admin/users", $"/admin/users/{id}/lock", new() { ["page"] = "1" });
        var afterLock = await customer.GetAsync("/api/v1/orders");
        await admin.PostFormAsync("/admin/users", $"/admin/users/{id}/unlock", new() { ["page"] = "1" });
        var oldTokenAfterUnlock = await customer.GetAsync("/api/v1/orders");
        using var again = await SignedInAsync(email, password);
        var newToken = await again.GetAsync("/api/v1/orders");

        Assert.Equal(HttpStatusCode.OK, beforeLock.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterLock.StatusCode);
        Assert.Equal("application/problem+json", afterLock.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, oldTokenAfterUnlock.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newToken.StatusCode);
    }

    [Fact]
    public async Task An_admin_locked_by_another_admin_is_sent_back_to_the_sign_in_page_on_their_next_click()
    {
        var (email, password) = await Platform.RegisterCustomerAsync();
        var id = await Platform.ScalarAsync($"UPDATE users SET role = 'admin' WHERE email = '{email}' RETURNING id");
        using var second = ConsoleSession.Open(Platform);
        await second.SignInAsync(email, password);
        using var first = await ConsoleSession.SignedInAdminAsync(Platform);

        var beforeLock = await second.Client.GetAsync("/admin/users");
        await first.PostFormAsync("/admin/users", $"/admin/users/{id}/lock", new() { ["page"] = "1" });
        var afterLock = await second.Client.GetAsync("/admin/users");

        Assert.Equal("/admin/users", beforeLock.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("/admin/login", afterLock.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain(email, await afterLock.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_lock_and_unlock_is_recorded_with_the_admin_who_did_it()
    {
        var (email, _) = await Platform.RegisterCustomerAsync();
        var id = await Platform.ScalarAsync($"SELECT id FROM users WHERE email = '{email}'");
        var adminId = await Platform.ScalarAsync($"SELECT id FROM users WHERE email = '{PlatformFactory.AdminEmail}'");
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        await admin.PostFormAsync("/admin/users", $"/admin/users/{id}/lock", new() { ["page"] = "1" });
        await admin.PostFormAsync("/admin/users", $"/admin/users/{id}/unlock", new() { ["page"] = "1" });

        await using var connection = new NpgsqlConnection(Platform.ConnectionString);
        var events = (await connection.QueryAsync<(long AdminId, bool Locked)>(
            "SELECT admin_id, locked FROM user_lock_events WHERE user_id = @id ORDER BY id", new { id })).AsList();
        Assert.Equal(new[] { (adminId, true), (adminId, false) }, events);
    }

    [Fact]
    public async Task While_the_database_is_unreachable_a_signed_in_admin_is_still_led_to_the_conductors_dashboard()
    {
        using var admin = ConsoleSession.Open(Platform, followRedirects: false);
        await admin.SignInAsync(PlatformFactory.AdminEmail, PlatformFactory.AdminPassword);
        await SetConnectionsAllowedAsync(false);
        try
        {
            var response = await admin.Client.GetAsync("/admin/monitoring");

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("http://127.0.0.1:4001/", response.Headers.Location!.OriginalString);
        }
        finally
        {
            await SetConnectionsAllowedAsync(true);
        }
    }

    private async Task<HttpClient> SignedInAsync(string email, string password)
    {
        var client = Platform.CreateClient();
        var token = await PlatformFactory.LoginAsync(client, email, password);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return client;
    }
}
