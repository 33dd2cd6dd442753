using System.Net;
using Dapper;
using Npgsql;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class CustomerAccountTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    private const string Password = "customer-password-1";

    [Fact]
    public async Task The_header_offers_Register_and_Sign_in_and_the_register_form_labels_its_fields()
    {
        using var visitor = ConsoleSession.Open(Platform);

        var home = await visitor.Client.GetStringAsync("/");
        var form = await visitor.Client.GetStringAsync("/register");

        Assert.Contains("<a href=\"/register\">Register</a>", home, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/login\">Sign in</a>", home, StringComparison.Ordinal);
        Assert.Contains("<label for=\"email\">Email</label>", form, StringComparison.Ordinal);
        Assert.Contains("<label for=\"password\">Password</label>", form, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"new-password\"", form, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registering_creates_a_customer_signs_them_in_and_signing_out_ends_it()
    {
        var email = NewEmail();
        using var visitor = ConsoleSession.Open(Platform);

        var registered = await visitor.PostFormAsync("/register", "/register", new() { ["email"] = email, ["password"] = Password });
        var signedIn = await registered.Content.ReadAsStringAsync();
        var signedOut = await visitor.PostFormAsync("/", "/logout", []);

        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal("/", registered.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains(email, signedIn, StringComparison.Ordinal);
        Assert.Contains(">Sign out</button>", signedIn, StringComparison.Ordinal);
        Assert.Equal("customer", await RoleAsync(email));
        Assert.Contains(">Sign in</a>", await signedOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_password_is_explained_beside_its_field_in_Korean_and_nothing_is_created()
    {
        var email = NewEmail();
        using var visitor = ConsoleSession.Open(Platform);

        var response = await visitor.PostFormAsync("/register?lang=ko", "/register", new() { ["email"] = email, ["password"] = "short" });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("aria-invalid=\"true\" aria-describedby=\"password-error\"", html, StringComparison.Ordinal);
        Assert.Contains("<p id=\"password-error\" class=\"field-error\">8~128자로 입력하세요.</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("email-error", html, StringComparison.Ordinal);
        Assert.Null(await RoleAsync(email));
    }

    [Fact]
    public async Task A_taken_email_is_explained_beside_the_email_field()
    {
        var (email, _) = await Platform.RegisterCustomerAsync();
        using var visitor = ConsoleSession.Open(Platform);

        var response = await visitor.PostFormAsync("/register", "/register", new() { ["email"] = email.ToUpperInvariant(), ["password"] = Password });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("<p id=\"email-error\" class=\"field-error\">An account with this email already exists.</p>",
            await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_returns_to_the_page_it_came_from_and_never_off_the_site()
    {
        var (email, password) = await Platform.RegisterCustomerAsync();
        using var back = ConsoleSession.Open(Platform, followRedirects: false);
        using var away = ConsoleSession.Open(Platform, followRedirects: false);

        var local = await back.PostFormAsync("/login", "/login", new() { ["email"] = email, ["password"] = password, ["returnUrl"] = "/products/3" });
        var offSite = await away.PostFormAsync("/login", "/login", new() { ["email"] = email, ["password"] = password, ["returnUrl"] = "//evil.example/" });

        Assert.Equal("/products/3", local.Headers.Location!.OriginalString);
        Assert.Equal("/", offSite.Headers.Location!.OriginalString);
        Assert.Contains("o4o_session=", string.Join(";", local.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        Assert.Contains("samesite=lax", string.Join(";", local.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_as_the_API_does_and_the_form_says_so()
    {
        var (email, password) = await Platform.RegisterCustomerAsync();
        using var guesser = ConsoleSession.Open(Platform);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await guesser.PostFormAsync("/login", "/login", new() { ["email"] = email, ["password"] = $"wrong-{i}" })).StatusCode);
        }

        var right = await guesser.PostFormAsync("/login", "/login", new() { ["email"] = email, ["password"] = password });

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Contains("the account is locked for a while", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Past_the_sign_in_limit_the_form_comes_back_with_the_wait()
    {
        await using var limited = new PlatformFactory(await Postgres.CreateDatabaseAsync("limited"), settings: new Dictionary<string, string?>
        {
            ["Auth:SignInPermitLimit"] = "2",
            ["Auth:SignInWindow"] = "00:10:00",
        });
        using var visitor = ConsoleSession.Open(limited);
        var email = NewEmail();

        var first = await visitor.PostFormAsync("/login", "/login", new() { ["email"] = email, ["password"] = Password });
        var second = await visitor.PostFormAsync("/register", "/register", new() { ["email"] = email, ["password"] = "short" });
        var third = await visitor.PostFormAsync("/register", "/register", new() { ["email"] = email, ["password"] = Password });
        var html = await third.Content.ReadAsStringAsync();

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest], [first.StatusCode, second.StatusCode]);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Contains("Too many sign-in attempts from this address. Try again in", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{email}\"", html, StringComparison.Ordinal);
        Assert.Null(await RoleAsync(limited, email));
    }

    [Fact]
    public async Task A_form_post_without_its_antiforgery_token_is_refused_and_creates_nothing()
    {
        var email = NewEmail();
        using var client = Platform.CreateClient();

        var response = await client.PostAsync("/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await RoleAsync(email));
    }

    [Fact]
    public async Task A_customer_session_opens_no_admin_page_and_an_admin_lock_ends_it()
    {
        var (email, password) = await Platform.RegisterCustomerAsync();
        using var customer = ConsoleSession.Open(Platform);
        await customer.PostFormAsync("/login", "/login", new() { ["email"] = email, ["password"] = password });

        var admin = await customer.Client.GetAsync("/admin");
        await using (var connection = new NpgsqlConnection(Platform.ConnectionString))
        {
            await connection.ExecuteAsync("UPDATE users SET disabled = true, session_version = session_version + 1 WHERE email = @email", new { email });
        }

        var afterLock = await customer.Client.GetStringAsync("/");

        Assert.Equal("/admin/login", admin.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains(">Sign in</a>", await customer.Client.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.DoesNotContain(email, afterLock, StringComparison.Ordinal);
    }

    private static string NewEmail() => $"shopper-{Guid.NewGuid():N}@example.com";

    private Task<string?> RoleAsync(string email) => RoleAsync(Platform, email);

    private static async Task<string?> RoleAsync(PlatformFactory platform, string email)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        return await connection.QuerySingleOrDefaultAsync<string>("SELECT role FROM users WHERE email = @email", new { email });
    }
}
