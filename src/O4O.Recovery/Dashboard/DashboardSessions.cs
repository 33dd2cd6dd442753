using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Recovery.Dashboard;

/// <summary>A signed-in person, as their sign-in cookie carries them.</summary>
/// <param name="Actor">The operator or the admin's e-mail address, recorded with every action.</param>
/// <param name="Admin">The platform admin's token it was opened with; null for the operator.</param>
/// <param name="CheckedAt">When <paramref name="Admin"/>'s account was last read from the platform's database.</param>
internal sealed record DashboardSession(string Actor, AdminToken? Admin, DateTimeOffset CheckedAt)
{
    /// <summary>An operator's session: the <see cref="OperatorToken.Fingerprint"/> of the token it was opened with; null for an admin's.</summary>
    public string? OperatorTokenFingerprint { get; init; }
}

/// <summary>
/// Dashboard sign-ins are ASP.NET Core's cookie authentication, and its actions are guarded by its antiforgery tokens
/// (the <c>X-CSRF-Token</c> header). The cookie is the whole session, encrypted with a key ring kept in
/// <c>secrets/dashboard-keys</c> (itself encrypted with a certificate there): a restarted conductor still reads it, so
/// nobody signs in again after a restart; an admin's account is read again at the next check all the same.
/// </summary>
internal static class DashboardSessions
{
    /// <summary>The sign-in cookie's name.</summary>
    public const string Cookie = "o4o_dashboard";

    private const string AdminSubject = "o4o_admin_sub";
    private const string AdminVersion = "o4o_admin_version";
    private const string CheckedAt = "o4o_checked_at";
    private const string OperatorTokenClaim = "o4o_operator_token";

    /// <summary>Cookie authentication, antiforgery and their key ring in <paramref name="home"/>'s <c>secrets/</c>.</summary>
    public static IServiceCollection AddDashboardSessions(this IServiceCollection services, O4OHome home, DashboardOptions dashboard, TimeProvider time)
    {
        var keys = Path.Combine(home.Secrets, "dashboard-keys");
        PrivateFiles.CreateDirectory(keys);
        services.AddDataProtection()
            .SetApplicationName("o4o-dashboard")
            .PersistKeysToFileSystem(new DirectoryInfo(keys))
            .ProtectKeysWithCertificate(KeyRingCertificate.LoadOrCreate(home, "dashboard-keys.pfx"));
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = Cookie;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = dashboard.SessionLifetime;
            options.SlidingExpiration = false;
            options.TimeProvider = time;
        });
        services.AddAntiforgery(options =>
        {
            options.HeaderName = "X-CSRF-Token";
            options.Cookie.Name = Cookie + "_csrf";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // The dashboard's own header says DENY.
            options.SuppressXFrameOptionsHeader = true;
        });
        return services;
    }

    /// <summary>
    /// The cookie's principal for <paramref name="session"/>. Its <c>sub</c> is a random id of this sign-in, which the
    /// antiforgery tokens are bound to (so they outlive a new <see cref="DashboardSession.CheckedAt"/>).
    /// </summary>
    public static ClaimsPrincipal Principal(DashboardSession session, string? id = null)
    {
        var claims = new List<Claim>
        {
            new("sub", id ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            new(ClaimTypes.Name, session.Actor),
            new(CheckedAt, session.CheckedAt.ToString("O", CultureInfo.InvariantCulture)),
        };
        if (session.OperatorTokenFingerprint is { } fingerprint)
        {
            claims.Add(new Claim(OperatorTokenClaim, fingerprint));
        }

        if (session.Admin is { } admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, admin.Role));
            claims.Add(new Claim(AdminSubject, admin.Subject ?? ""));
            claims.Add(new Claim(AdminVersion, admin.Version ?? ""));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>The session a cookie's principal carries, with its id; null when it is not one of ours.</summary>
    public static (string Id, DashboardSession Session)? Read(ClaimsPrincipal? principal)
    {
        if (principal?.FindFirstValue("sub") is not { } id || principal.FindFirstValue(ClaimTypes.Name) is not { } actor
            || !DateTimeOffset.TryParse(principal.FindFirstValue(CheckedAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var checkedAt))
        {
            return null;
        }

        var admin = principal.FindFirstValue(ClaimTypes.Role) is { } role
            ? new AdminToken(actor, NullIfEmpty(principal.FindFirstValue(AdminSubject)), NullIfEmpty(principal.FindFirstValue(AdminVersion)), role)
            : null;
        return (id, new DashboardSession(actor, admin, checkedAt) { OperatorTokenFingerprint = principal.FindFirstValue(OperatorTokenClaim) });
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
