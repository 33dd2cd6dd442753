using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using O4O.Recovery.Configuration;
using O4O.Recovery.Dashboard;

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
    public void A_session_ends_when_its_lifetime_is_over_or_when_signed_out()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sessions = new DashboardSessions(TimeSpan.FromHours(8), time);
        var (id, session) = sessions.Start("operator");
        var (other, _) = sessions.Start("admin@example.com");

        Assert.Equal(session, sessions.Find(id));
        Assert.Null(sessions.Find("made-up"));
        sessions.End(other);
        Assert.Null(sessions.Find(other));
        time.Advance(TimeSpan.FromHours(8));
        Assert.Null(sessions.Find(id));
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
