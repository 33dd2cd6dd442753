using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using O4O.Recovery.Configuration;
using O4O.Recovery.Dashboard;
using O4O.Recovery.IO;

namespace O4O.Recovery.Tests.Dashboard;

public sealed class DashboardSignInTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("o4o-dashboard-").FullName;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(64);

    public DashboardSignInTests()
    {
        Directory.CreateDirectory(Home.Secrets);
        File.WriteAllText(Home.SigningKeyFile, Convert.ToBase64String(_key));
    }

    private O4OHome Home => new(_root);

    [Fact]
    public async Task A_platform_admins_token_signs_in_as_their_email_and_a_customers_or_a_forged_or_expired_one_does_not()
    {
        var signIn = new AdminSignIn(Home, configuredSigningKey: null, platformDatabase: "Host=127.0.0.1");

        Assert.Equal("admin@example.com", (await signIn.ValidateAsync(Token(_key, "admin", DateTime.UtcNow.AddHours(1))))?.Email);
        Assert.Null(await signIn.ValidateAsync(Token(_key, "customer", DateTime.UtcNow.AddHours(1))));
        Assert.Null(await signIn.ValidateAsync(Token(RandomNumberGenerator.GetBytes(64), "admin", DateTime.UtcNow.AddHours(1))));
        Assert.Null(await signIn.ValidateAsync(Token(_key, "admin", DateTime.UtcNow.AddMinutes(-5))));
        Assert.Null(await signIn.ValidateAsync("not a token"));
    }

    [Fact]
    public void The_operator_token_is_created_once_readable_only_by_its_owner_and_compared_exactly()
    {
        var token = OperatorToken.LoadOrCreate(Home);

        Assert.Equal(token, OperatorToken.LoadOrCreate(Home));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(OperatorToken.PathFor(Home)));
        Assert.True(OperatorToken.Matches(token, $" {token}\n"));
        Assert.False(OperatorToken.Matches(token, token[..^1]));
    }

    [Fact]
    public async Task Processes_that_make_the_operator_token_at_the_same_moment_all_get_the_one_that_stays()
    {
        for (var round = 0; round < 200; round++)
        {
            File.Delete(OperatorToken.PathFor(Home));
            using var start = new ManualResetEventSlim();
            var makers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                start.Wait();
                return OperatorToken.LoadOrCreate(Home);
            })).ToList();
            start.Set();

            var tokens = await Task.WhenAll(makers);

            Assert.Single(tokens.Append(OperatorToken.LoadOrCreate(Home)).Distinct());
        }
    }

    [Fact]
    public void A_sign_in_cookie_carries_who_signed_in_the_admins_account_and_when_it_was_last_read()
    {
        var checkedAt = new DateTimeOffset(2026, 12, 6, 7, 0, 0, TimeSpan.Zero);
        var admin = new DashboardSession("admin@example.com", new AdminToken("admin@example.com", "42", "3", "admin"), checkedAt);
        var operatorSession = new DashboardSession("operator", null, checkedAt);

        var (id, read) = DashboardSessions.Read(DashboardSessions.Principal(admin, "session-1"))!.Value;

        Assert.Equal(("session-1", admin), (id, read));
        Assert.Equal(operatorSession, DashboardSessions.Read(DashboardSessions.Principal(operatorSession))!.Value.Session);
        Assert.Null(DashboardSessions.Read(new System.Security.Claims.ClaimsPrincipal()));
    }

    [Fact]
    public void A_sign_in_cookie_made_before_a_restart_is_read_after_it_and_the_keys_behind_it_are_owner_only_and_encrypted()
    {
        var session = new DashboardSession("operator", null, DateTimeOffset.UtcNow);
        var ticket = new AuthenticationTicket(DashboardSessions.Principal(session, "session-1"), CookieAuthenticationDefaults.AuthenticationScheme);

        // Two conductors, one after the other, on the same home.
        var cookie = CookieFormat(out var before).Protect(ticket);
        before.Dispose();
        var restarted = CookieFormat(out var after);
        using (after)
        {
            Assert.Equal(session, DashboardSessions.Read(restarted.Unprotect(cookie)?.Principal)?.Session);
        }

        var keys = Path.Combine(Home.Secrets, "dashboard-keys");
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(keys));
        Assert.All(Directory.GetFiles(keys).Append(Path.Combine(Home.Secrets, "dashboard-keys.pfx")),
            file => Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(file)));
        Assert.All(Directory.GetFiles(keys), file => Assert.Contains("encryptedSecret", File.ReadAllText(file), StringComparison.Ordinal));
    }

    /// <summary>The cookie format of a dashboard started on this home, as a conductor starts it.</summary>
    private ISecureDataFormat<AuthenticationTicket> CookieFormat(out ServiceProvider services)
    {
        services = new ServiceCollection().AddLogging().AddDashboardSessions(Home, new DashboardOptions(), TimeProvider.System).BuildServiceProvider();
        return services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme).TicketDataFormat;
    }

    private static string Token(byte[] key, string role, DateTime expires) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "o4o-platform",
            Audience = "o4o-platform",
            IssuedAt = expires.AddHours(-2),
            NotBefore = expires.AddHours(-2),
            Expires = expires,
            Claims = new Dictionary<string, object> { ["sub"] = "1", ["email"] = $"{role}@example.com", ["role"] = role },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
