using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Hosting;

/// <summary>The data-protection key ring behind admin cookies and antiforgery tokens: kept in the home, encrypted at rest.</summary>
[Collection(PlatformCollection.Name)]
public sealed partial class KeyRingTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task Keys_are_encrypted_at_rest_without_a_warning_and_a_cookie_and_a_form_token_survive_a_restart()
    {
        var database = await postgres.CreateDatabaseAsync("platform");
        await using var first = new PlatformFactory(database);
        using var before = first.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var (antiforgeryCookie, token) = await LoginFormAsync(before);
        using var signedIn = await SignInAsync(before, antiforgeryCookie, token);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var adminCookie = Cookie(signedIn, "o4o_admin");

        var keys = Directory.GetFiles(Path.Combine(first.Home, "secrets", "data-protection"), "key-*.xml");
        Assert.Contains("<encryptedSecret", File.ReadAllText(Assert.Single(keys)), StringComparison.Ordinal);
        Assert.DoesNotContain("No XML encryptor configured", first.ReadLog("app.log"), StringComparison.Ordinal);

        await using var restarted = new PlatformFactory(database, home: first.Home);
        using var after = restarted.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var admin = new HttpRequestMessage(HttpMethod.Get, "/admin") { Headers = { { "Cookie", adminCookie } } };
        Assert.Equal(HttpStatusCode.OK, (await after.SendAsync(admin)).StatusCode);
        using var again = await SignInAsync(after, antiforgeryCookie, token);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Single(Directory.GetFiles(Path.Combine(first.Home, "secrets", "data-protection"), "key-*.xml"));
    }

    private static async Task<(string Cookie, KeyValuePair<string, string> Token)> LoginFormAsync(HttpClient client)
    {
        using var page = await client.GetAsync("/admin/login");
        var field = AntiforgeryField().Match(await page.Content.ReadAsStringAsync());
        Assert.True(field.Success, "the sign-in page carries an antiforgery token");
        return (Cookie(page, ".AspNetCore.Antiforgery."), new(field.Groups["name"].Value, field.Groups["value"].Value));
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string antiforgeryCookie, KeyValuePair<string, string> token) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/admin/login")
        {
            Headers = { { "Cookie", antiforgeryCookie } },
            Content = new FormUrlEncodedContent([new("email", PlatformFactory.AdminEmail), new("password", PlatformFactory.AdminPassword), new("returnUrl", "/admin"), token]),
        });

    /// <summary>The <c>name=value</c> of the cookie whose name starts with <paramref name="prefix"/>.</summary>
    private static string Cookie(HttpResponseMessage response, string prefix) =>
        response.Headers.GetValues("Set-Cookie").Select(header => header.Split(';')[0]).Single(cookie => cookie.StartsWith(prefix, StringComparison.Ordinal));

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
