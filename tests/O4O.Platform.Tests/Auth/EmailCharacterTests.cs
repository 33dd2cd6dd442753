using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Auth;

public sealed class EmailCharacterTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    /// <summary>Characters that do not show, reorder what follows them, or break lines: two accounts would look alike.</summary>
    public static TheoryData<int> Invisible => new()
    {
        0x202E, // right-to-left override
        0x202D, // left-to-right override
        0x2066, // left-to-right isolate
        0x200E, // left-to-right mark
        0x200B, // zero-width space
        0x200D, // zero-width joiner
        0xFEFF, // zero-width no-break space (byte-order mark)
        0x00AD, // soft hyphen
        0x2060, // word joiner
        0x0007, // bell (control)
        0x0085, // next line (C1 control)
        0x2028, // line separator
    };

    [Theory]
    [MemberData(nameof(Invisible))]
    public async Task Registering_refuses_an_email_with_an_invisible_or_bidi_character_and_names_the_field(int codePoint)
    {
        using var client = Platform.CreateClient();
        var email = $"ad{char.ConvertFromUtf32(codePoint)}min@example.com";

        var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "long-enough-1" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _), errors.ToString());
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM users WHERE email LIKE 'ad%min@example.com'"));
    }

    [Fact]
    public async Task Registering_accepts_an_email_in_another_script()
    {
        using var client = Platform.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "관리자@예시.한국", password = "long-enough-1" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
