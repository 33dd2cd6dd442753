using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using O4O.Platform.Users;

namespace O4O.Platform.Auth;

/// <summary>
/// The pages' two sign-in cookies: the admin console's (<c>o4o_admin</c>, SameSite=Strict, read under <c>/admin</c>) and
/// the storefront's (<c>o4o_session</c>, read everywhere else; SameSite=Lax, so a customer who follows a link to the shop
/// arrives signed in). Apart, so shopping never carries an admin's session and an admin page never sees a customer's.
/// Both hold the claims a bearer token holds, session version included: a lock ends either at the next request.
/// </summary>
internal static class CookieSessions
{
    public const string Admin = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Customer = "customer";

    public static Task SignInAsync(HttpContext context, string scheme, UserAccount user)
    {
        Claim[] claims =
        [
            new(ClaimNames.Subject, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimNames.Email, user.Email),
            new(ClaimNames.Role, user.Role),
            new(ClaimNames.SessionVersion, user.SessionVersion.ToString(CultureInfo.InvariantCulture)),
        ];
        var identity = new ClaimsIdentity(claims, scheme, ClaimNames.Email, ClaimNames.Role);
        return context.SignInAsync(scheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The cookie that authenticates a page request: the console's under <c>/admin</c>, the storefront's elsewhere.</summary>
    public static string For(PathString path) => path.StartsWithSegments("/admin") ? Admin : Customer;

    public static void Configure(CookieAuthenticationOptions options, string name, SameSiteMode sameSite, string loginPath)
    {
        options.Cookie.Name = name;
        options.Cookie.SameSite = sameSite;
        options.LoginPath = loginPath;
        options.AccessDeniedPath = loginPath;
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.SlidingExpiration = true;
        options.Events.OnValidatePrincipal = async context =>
        {
            if (!await SessionCheck.IsCurrentAsync(context.HttpContext, context.Principal))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(context.Scheme.Name);
            }
        };
    }
}
