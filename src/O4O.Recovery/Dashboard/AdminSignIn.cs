using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Dashboard;

/// <summary>
/// Accepts a platform admin's bearer token as a dashboard sign-in: checked with the platform's own signing key
/// (<c>Auth:SigningKey</c>, else <c>secrets/jwt-signing.key</c>), issuer, audience, lifetime and the admin role.
/// </summary>
public sealed class AdminSignIn(O4OHome home, IConfiguration configuration)
{
    private const string PlatformIssuer = "o4o-platform";

    /// <summary>The admin's e-mail address, or null when <paramref name="token"/> is not a valid admin token.</summary>
    public async Task<string?> ValidateAsync(string token)
    {
        if (Key() is not { } key || token.Count(c => c == '.') != 2)
        {
            return null;
        }

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token.Trim(), new TokenValidationParameters
        {
            ValidIssuer = PlatformIssuer,
            ValidAudience = PlatformIssuer,
            IssuerSigningKey = new SymmetricSecurityKey(key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        if (!result.IsValid || !result.Claims.TryGetValue("role", out var role) || role as string != "admin")
        {
            return null;
        }

        return result.Claims.TryGetValue("email", out var email) && email is string address ? address : "admin";
    }

    private byte[]? Key()
    {
        var configured = configuration["Auth:SigningKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Convert.FromBase64String(configured);
        }

        return File.Exists(home.SigningKeyFile) ? Convert.FromBase64String(File.ReadAllText(home.SigningKeyFile).Trim()) : null;
    }
}
