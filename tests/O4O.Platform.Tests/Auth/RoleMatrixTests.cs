using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using O4O.Platform.Auth;
using O4O.Platform.Users;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Auth;

public sealed class RoleMatrixTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    private static readonly object _newProduct = new { sku = "ROLE-1", name = "Role test", price = 1.5m, stock = 3 };

    [Fact]
    public async Task Admin_routes_answer_401_without_a_token()
    {
        using var client = Platform.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/products", _newProduct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/orders")).StatusCode);
    }

    [Fact]
    public async Task Admin_routes_answer_403_to_a_customer()
    {
        using var client = await Platform.CreateClientAsync("customer");

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/products", _newProduct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync("/api/v1/products/1")).StatusCode);
    }

    [Fact]
    public async Task A_customer_token_edited_to_say_admin_is_rejected_with_401()
    {
        using var customer = await Platform.CreateClientAsync("customer");
        var parts = customer.DefaultRequestHeaders.Authorization!.Parameter!.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("\"customer\"", "\"admin\"", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.{parts[2]}";
        using var client = Platform.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/users")).StatusCode);
    }

    [Fact]
    public async Task An_expired_admin_token_is_rejected_with_401()
    {
        var twoHoursAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        var issuer = new TokenIssuer(Platform.GetService<SigningKey>(), Options.Create(new AuthOptions()), twoHoursAgo);
        var token = issuer.Issue(new UserAccount(1, PlatformFactory.AdminEmail, "", Roles.Admin, false, null, SessionVersion: 0));
        using var client = Platform.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);

        var response = await client.GetAsync("/api/v1/users");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_admin_token_opens_the_admin_routes()
    {
        using var client = await Platform.CreateClientAsync("admin");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/products", _newProduct)).StatusCode);
    }

    private static byte[] Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
