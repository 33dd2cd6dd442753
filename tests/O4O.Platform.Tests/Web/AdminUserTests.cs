using System.Net;
using System.Net.Http.Json;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class AdminUserTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task A_locked_user_cannot_log_in_until_an_admin_unlocks_them()
    {
        var (email, password) = await Platform.RegisterCustomerAsync();
        var id = await Platform.ScalarAsync($"SELECT id FROM users WHERE email = '{email}'");
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        using var customer = Platform.CreateClient();

        var locked = await admin.PostFormAsync("/admin/users", $"/admin/users/{id}/lock", new() { ["page"] = "1" });
        var refused = await customer.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        var unlocked = await admin.PostFormAsync("/admin/users", $"/admin/users/{id}/unlock", new() { ["page"] = "1" });
        var accepted = await customer.PostAsJsonAsync("/api/v1/auth/login", new { email, password });

        Assert.Contains($"{email} is locked", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains($"{email} is unlocked", await unlocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var log = Platform.ReadLog("app.log");
        Assert.Contains($"Admin admin@o4o.test locked user {id} ({email})", log, StringComparison.Ordinal);
        Assert.Contains($"Admin admin@o4o.test unlocked user {id} ({email})", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unlocking_also_lifts_a_lockout_from_failed_logins()
    {
        var (email, password) = await Platform.RegisterCustomerAsync();
        var id = await Platform.ScalarAsync($"SELECT id FROM users WHERE email = '{email}'");
        using var customer = Platform.CreateClient();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await customer.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "wrong-password-1" });
        }

        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var list = await admin.Client.GetStringAsync("/admin/users");
        await admin.PostFormAsync("/admin/users", $"/admin/users/{id}/unlock", new() { ["page"] = "1" });
        var accepted = await customer.PostAsJsonAsync("/api/v1/auth/login", new { email, password });

        Assert.Contains("Locked until", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task An_admin_cannot_lock_their_own_account()
    {
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        var id = await Platform.ScalarAsync($"SELECT id FROM users WHERE email = '{PlatformFactory.AdminEmail}'");

        var response = await admin.PostFormAsync("/admin/users", $"/admin/users/{id}/lock", new() { ["page"] = "1" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(0, await Platform.ScalarAsync($"SELECT count(*) FROM users WHERE id = {id} AND disabled"));
    }

    [Fact]
    public async Task The_user_list_shows_each_role_and_state_and_offers_no_lock_for_the_admin_themself()
    {
        await Platform.RegisterCustomerAsync();
        var adminId = await Platform.ScalarAsync($"SELECT id FROM users WHERE email = '{PlatformFactory.AdminEmail}'");
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var html = await admin.Client.GetStringAsync("/admin/users");

        Assert.DoesNotContain($"/admin/users/{adminId}/lock", html, StringComparison.Ordinal);

        Assert.Contains(PlatformFactory.AdminEmail, html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Role</th>", html, StringComparison.Ordinal);
        Assert.Contains(">Customer</td>", html, StringComparison.Ordinal);
        Assert.Contains("status-active", html, StringComparison.Ordinal);
    }
}
