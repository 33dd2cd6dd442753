using System.Net;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class LanguageTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task Lang_ko_renders_the_storefront_in_Korean_and_a_cookie_keeps_it_so()
    {
        using var client = Platform.CreateClient();

        var chosen = await client.GetStringAsync("/?lang=ko");
        var next = await client.GetStringAsync("/products/1");

        Assert.Contains("<html lang=\"ko\">", chosen, StringComparison.Ordinal);
        Assert.Contains("<label for=\"q\">상품 검색</label>", chosen, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"ko\">", next, StringComparison.Ordinal);
        Assert.Contains("전체 상품", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_Language_ko_renders_Korean_and_an_unknown_language_falls_back_to_English()
    {
        using var client = Platform.CreateClient();

        var korean = await Send(client, "ko-KR,ko;q=0.9");
        var other = await Send(client, "fr-FR");

        Assert.Contains("<html lang=\"ko\">", korean, StringComparison.Ordinal);
        Assert.Contains("관리자 로그인", korean, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", other, StringComparison.Ordinal);
        Assert.Contains("Admin sign-in", other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_console_and_its_field_errors_read_in_Korean()
    {
        using var admin = await ConsoleSession.SignedInAdminAsync(Platform);
        await admin.Client.GetAsync("/admin?lang=ko");

        var overview = await admin.Client.GetStringAsync("/admin");
        var invalid = await admin.PostFormAsync("/admin/products/new", "/admin/products",
            new() { ["sku"] = "K-1", ["name"] = "찻잔", ["price"] = "abc", ["stock"] = "1" });

        Assert.Contains("<dt>상품</dt><dd>50</dd>", overview, StringComparison.Ordinal);
        Assert.Contains("로그아웃", overview, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("0 이상, 소수점 둘째 자리까지의 가격을 입력하세요", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_ignores_the_language_choice()
    {
        using var client = Platform.CreateClient();

        var response = await client.GetAsync("/api/v1/products?lang=ko");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private static async Task<string> Send(HttpClient client, string acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/login");
        request.Headers.Add("Accept-Language", acceptLanguage);
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }
}
