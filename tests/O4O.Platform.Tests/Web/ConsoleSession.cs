using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace O4O.Platform.Tests.Web;

/// <summary>
/// A browser-like client of the server-rendered pages: it keeps cookies, reads each form's antiforgery token from
/// the page that shows the form, and posts forms as a browser would.
/// </summary>
internal sealed partial class ConsoleSession(HttpClient client) : IDisposable
{
    public HttpClient Client => client;

    public static ConsoleSession Open(PlatformFactory platform, bool followRedirects = true) =>
        new(platform.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = followRedirects }));

    public static async Task<ConsoleSession> SignedInAdminAsync(PlatformFactory platform)
    {
        var session = Open(platform);
        var response = await session.SignInAsync(PlatformFactory.AdminEmail, PlatformFactory.AdminPassword);
        Assert.Equal("/admin", response.RequestMessage!.RequestUri!.AbsolutePath);
        return session;
    }

    public Task<HttpResponseMessage> SignInAsync(string email, string password, string returnUrl = "/admin") =>
        PostFormAsync("/admin/login", "/admin/login", new() { ["email"] = email, ["password"] = password, ["returnUrl"] = returnUrl });

    /// <summary>Opens <paramref name="formPage"/>, takes its antiforgery token and posts <paramref name="fields"/> to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, Dictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(formPage);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, $"{formPage} carries an antiforgery token.");
        fields[token.Groups["name"].Value] = token.Groups["value"].Value;
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>As <see cref="PostFormAsync"/>, as <c>multipart/form-data</c> with one file, the way a browser uploads.</summary>
    public async Task<HttpResponseMessage> PostFileAsync(string formPage, string action, string field, string fileName, byte[] content, string contentType)
    {
        var page = await client.GetStringAsync(formPage);
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, $"{formPage} carries an antiforgery token.");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token.Groups["value"].Value), token.Groups["name"].Value },
        };
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        form.Add(file, field, fileName);
        return await client.PostAsync(action, form);
    }

    public void Dispose() => client.Dispose();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
