using System.Globalization;
using System.Security.Claims;

namespace O4O.Platform.Auth;

/// <summary>The claims in tokens and admin cookies, kept short and unmapped (no SOAP-era URIs).</summary>
public static class ClaimNames
{
    public const string Subject = "sub";
    public const string Email = "email";
    public const string Role = "role";

    /// <summary>The account's <c>users.session_version</c> when the token or cookie was issued (see <see cref="SessionCheck"/>).</summary>
    public const string SessionVersion = "session_version";

    public static long UserId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(Subject) ?? throw new InvalidOperationException("The principal has no subject."), CultureInfo.InvariantCulture);

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Users.Roles.Admin);
}
