using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Dashboard;

/// <summary>A platform admin's token, as far as the dashboard needs it.</summary>
/// <param name="Email">Who signed in, recorded with every action.</param>
/// <param name="Subject">The <c>sub</c> claim: the account's id.</param>
/// <param name="Version">The <c>session_version</c> claim.</param>
/// <param name="Role">The <c>role</c> claim.</param>
internal sealed record AdminToken(string Email, string? Subject, string? Version, string Role);

/// <summary>What the platform's database says of an admin's session (<see cref="SessionRule"/>).</summary>
internal enum AdminSessionState
{
    /// <summary>The account still has the token's version and role, and is not locked.</summary>
    Current,

    /// <summary>Locked, demoted, or the version moved on: the session ends.</summary>
    Revoked,

    /// <summary>The database could not be reached: the session goes on, so the dashboard works through an outage.</summary>
    Unchecked,
}

/// <summary>
/// Accepts a platform admin's bearer token as a dashboard sign-in: checked with the platform's own signing key
/// (<c>Auth:SigningKey</c>, else <c>secrets/jwt-signing.key</c>), issuer, audience, lifetime and the admin role, and
/// against the account in the platform's database as the platform checks it (<see cref="SessionRule"/>).
/// </summary>
internal sealed class AdminSignIn(O4OHome home, string? configuredSigningKey, string platformDatabase)
{
    private const string PlatformIssuer = "o4o-platform";

    /// <summary>The admin's token, or null when <paramref name="token"/> is not a valid admin token.</summary>
    public async Task<AdminToken?> ValidateAsync(string token)
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
        if (!result.IsValid || Claim(result.Claims, "role") != "admin")
        {
            return null;
        }

        return new AdminToken(Claim(result.Claims, "email") ?? "admin", Claim(result.Claims, "sub"), Claim(result.Claims, "session_version"), "admin");
    }

    /// <summary>Reads <paramref name="admin"/>'s account; <see cref="AdminSessionState.Unchecked"/> with the reason when the database is down.</summary>
    public async Task<(AdminSessionState State, string? Reason)> CheckAsync(AdminToken admin, CancellationToken cancellationToken)
    {
        // Unpooled with a short timeout: a check every half minute needs no pool, and an outage must not hold a page.
        var builder = new NpgsqlConnectionStringBuilder(platformDatabase) { Pooling = false, Timeout = 3, CommandTimeout = 3 };
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
            return await SessionRule.IsCurrentAsync(dataSource, admin.Subject, admin.Version, admin.Role, cancellationToken)
                ? (AdminSessionState.Current, null)
                : (AdminSessionState.Revoked, null);
        }
        catch (Exception exception) when (DatabaseFailure.IsUnavailable(exception))
        {
            return (AdminSessionState.Unchecked, exception.Message);
        }
    }

    private static string? Claim(IDictionary<string, object> claims, string name) =>
        claims.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private byte[]? Key()
    {
        if (!string.IsNullOrWhiteSpace(configuredSigningKey))
        {
            return Convert.FromBase64String(configuredSigningKey);
        }

        return File.Exists(home.SigningKeyFile) ? Convert.FromBase64String(File.ReadAllText(home.SigningKeyFile).Trim()) : null;
    }
}
