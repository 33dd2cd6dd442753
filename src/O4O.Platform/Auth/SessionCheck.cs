using System.Security.Claims;
using Npgsql;
using O4O.Recovery.Postgres;

namespace O4O.Platform.Auth;

/// <summary>
/// Ends open sessions when their account changes: every bearer token and admin cookie carries the account's
/// session version, and a request is refused once the account is locked, its role differs or the version has moved
/// on (an admin's lock moves it; the rule is <see cref="SessionRule"/>, which the conductor's dashboard applies too).
/// Not cached: one primary-key read per signed-in request is cheap, and a lock then holds from the very next request,
/// in every platform process.
/// </summary>
internal sealed class SessionCheck(NpgsqlDataSource dataSource, ILogger<SessionCheck> logger)
{
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var subject = principal.FindFirstValue(ClaimNames.Subject);
        try
        {
            return await SessionRule.IsCurrentAsync(dataSource, subject, principal.FindFirstValue(ClaimNames.SessionVersion),
                principal.FindFirstValue(ClaimNames.Role), cancellationToken);
        }
        catch (Exception exception) when (DatabaseFailure.IsUnavailable(exception))
        {
            // No lock can be made while the database is down, and nothing that reads or writes data can run: a signed,
            // unexpired token still opens what works without it (the AutoRecovery switch, the way to the conductor's
            // dashboard, which accepts the same token), so an outage does not also lock the admins out.
            logger.LogWarning("Session of user {UserId} accepted unchecked: the database is unavailable ({Reason})", subject, exception.Message);
            return true;
        }
    }

    /// <summary>For <c>JwtBearerEvents.OnTokenValidated</c> and <c>CookieAuthenticationEvents.OnValidatePrincipal</c>.</summary>
    public static Task<bool> IsCurrentAsync(HttpContext context, ClaimsPrincipal? principal) =>
        principal is null
            ? Task.FromResult(false)
            : context.RequestServices.GetRequiredService<SessionCheck>().IsCurrentAsync(principal, context.RequestAborted);
}
