using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Users;

public sealed class UserTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task An_admin_lists_and_fetches_users_and_never_sees_a_password_hash()
    {
        var (email, _) = await Platform.RegisterCustomerAsync();
        using var admin = await Platform.CreateClientAsync("admin");

        var list = await admin.GetStringAsync("/api/v1/users");
        var page = JsonDocument.Parse(list).RootElement;
        var customer = page.GetProperty("items").EnumerateArray().Single(u => u.GetProperty("email").GetString() == email);
        var fetched = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{customer.GetProperty("id").GetInt64()}");

        // The admin, this customer, and the smoke-test account o4o verify signs in with: every account that can sign in is listed.
        Assert.Equal(3, page.GetProperty("totalCount").GetInt32());
        Assert.Equal("customer", fetched.GetProperty("role").GetString());
        Assert.DoesNotContain("hash", list, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/users/999999")).StatusCode);
    }
}
