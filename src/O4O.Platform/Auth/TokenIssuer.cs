using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using O4O.Platform.Users;

namespace O4O.Platform.Auth;

/// <summary>A signed bearer token and the moment it stops being accepted.</summary>
public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

/// <summary>Issues the platform's bearer tokens (HS256, claims <c>sub</c>, <c>email</c>, <c>role</c>, <c>session_version</c>).</summary>
internal sealed class TokenIssuer(SigningKey key, IOptions<AuthOptions> options, TimeProvider time)
{
    public const string Issuer = "o4o-platform";
    public const string Audience = "o4o-platform";

    public TokenResponse Issue(UserAccount user)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [ClaimNames.Subject] = user.Id.ToString(CultureInfo.InvariantCulture),
                [ClaimNames.Email] = user.Email,
                [ClaimNames.Role] = user.Role,
                [ClaimNames.SessionVersion] = user.SessionVersion,
            },
            SigningCredentials = new SigningCredentials(key.SecurityKey, SecurityAlgorithms.HmacSha256),
        });
        return new TokenResponse(token, expires);
    }
}
