using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed partial class PageTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task The_storefront_lists_products_with_a_labelled_search_box_and_paging()
    {
        using var client = Platform.CreateClient();

        var html = await client.GetStringAsync("/");

        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"q\">", html, StringComparison.Ordinal);
        Assert.Contains("Bamboo Cutting Board", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"next\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Searching_the_storefront_shows_only_matching_products()
    {
        using var client = Platform.CreateClient();

        var html = await client.GetStringAsync("/?q=kettle");

        Assert.Contains("Stainless Steel Kettle", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Bamboo Cutting Board", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_product_page_shows_the_product_and_an_unknown_one_is_404()
    {
        using var client = Platform.CreateClient();

        var html = await client.GetStringAsync("/products/1");
        var missing = await client.GetAsync("/products/999999");

        Assert.Contains("TEA-001", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Storefront_and_admin_answer_HEAD_and_admin_sends_strangers_to_sign_in()
    {
        using var client = Platform.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var home = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        var admin = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/admin"));

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.StartsWith("/admin/login", admin.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_signs_in_with_the_form_and_sees_the_counts()
    {
        using var client = Platform.CreateClient();

        var response = await SignInAsync(client, PlatformFactory.AdminEmail, PlatformFactory.AdminPassword);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/admin", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Matches(@"<dt>Products</dt><dd>50</dd>", html);
        Assert.Matches(@"<dt>Users</dt><dd>1</dd>", html);
    }

    [Fact]
    public async Task A_customer_cannot_sign_in_to_the_admin_console()
    {
        var (email, password) = await Platform.RegisterCustomerAsync();
        using var client = Platform.CreateClient();

        var response = await SignInAsync(client, email, password);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var admin = await client.GetAsync("/admin");
        Assert.Equal("/admin/login", admin.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task The_sign_in_form_refuses_a_post_without_its_antiforgery_token()
    {
        using var client = Platform.CreateClient();

        var response = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = PlatformFactory.AdminEmail,
            ["password"] = PlatformFactory.AdminPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/admin")]
    [InlineData("https://evil.example/admin")]
    [InlineData("/admin\t")]
    public async Task A_return_url_outside_the_console_lands_on_the_overview(string returnUrl)
    {
        using var client = Platform.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await SignInAsync(client, PlatformFactory.AdminEmail, PlatformFactory.AdminPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location!.OriginalString);
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string returnUrl = "/admin")
    {
        var form = await client.GetStringAsync("/admin/login");
        var token = AntiforgeryField().Match(form);
        Assert.True(token.Success, "The sign-in form carries an antiforgery token.");
        return await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = token.Groups["value"].Value,
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        }));
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
