using System.Net;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class AdminAccessTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    public static TheoryData<string, string> Pages => new()
    {
        { "GET", "/admin/products" },
        { "GET", "/admin/products/1" },
        { "GET", "/admin/orders" },
        { "GET", "/admin/users" },
        { "GET", "/admin/monitoring" },
        { "POST", "/admin/products/1/stock" },
        { "POST", "/admin/users/1/lock" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_signed_out_visitor_is_sent_to_sign_in(string method, string path)
    {
        using var client = Platform.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Empty() });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/admin/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_customer_is_forbidden(string method, string path)
    {
        using var customer = await Platform.CreateClientAsync("customer");

        var response = await customer.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Empty() });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM users WHERE disabled"));
    }

    [Fact]
    public async Task An_admin_form_post_without_its_antiforgery_token_is_refused_and_changes_nothing()
    {
        var id = await Platform.CreateProductAsync(stock: 5);
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);

        var response = await admin.Client.PostAsync($"/admin/products/{id}/stock",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["stock"] = "0" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(5, await Platform.StockAsync(id));
    }

    [Fact]
    public async Task Monitoring_leads_to_the_conductors_dashboard()
    {
        using var admin = ConsoleSession.Open(Platform, followRedirects: false);
        await admin.SignInAsync(PlatformFactory.AdminEmail, PlatformFactory.AdminPassword);

        var response = await admin.Client.GetAsync("/admin/monitoring");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://127.0.0.1:4001/", response.Headers.Location!.OriginalString);
    }

    private static FormUrlEncodedContent Empty() => new([]);
}
