using System.Globalization;
using System.Security.Claims;
using Dapper;
using Npgsql;
using O4O.Platform.Http;

namespace O4O.Platform.Auth;

/// <summary>
/// Ends open sessions when their account changes: every bearer token and admin cookie carries the account's
/// session version, and a request is refused once the account is locked, its role differs or the version has moved
/// on (an admin's lock moves it). Not cached: one primary-key read per signed-in request is cheap, and a lock then
/// holds from the very next request, in every platform process.
/// </summary>
internal sealed class SessionCheck(NpgsqlDataSource dataSource, ILogger<SessionCheck> logger)
{
    private const string IsCurrent = """
        SELECT EXISTS (
            SELECT 1 FROM users WHERE id = @id AND session_version = @version AND role = @role AND NOT disabled)
        """;

    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (!long.TryParse(principal.FindFirstValue(ClaimNames.Subject), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !int.TryParse(principal.FindFirstValue(ClaimNames.SessionVersion), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || principal.FindFirstValue(ClaimNames.Role) is not { } role)
        {
            return false;
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                IsCurrent, new { id, version, role }, cancellationToken: cancellationToken));
        }
        catch (Exception exception) when (DatabaseFailure.IsUnavailable(exception))
        {
            // No lock can be made while the database is down, and nothing that reads or writes data can run: a signed,
            // unexpired token still opens what works without it (the AutoRecovery switch, the way to the conductor's
            // dashboard, which accepts the same token), so an outage does not also lock the admins out.
            logger.LogWarning("Session of user {UserId} accepted unchecked: the database is unavailable ({Reason})", id, exception.Message);
            return true;
        }
    }

    /// <summary>For <c>JwtBearerEvents.OnTokenValidated</c> and <c>CookieAuthenticationEvents.OnValidatePrincipal</c>.</summary>
    public static Task<bool> IsCurrentAsync(HttpContext context, ClaimsPrincipal? principal) =>
        principal is null
            ? Task.FromResult(false)
            : context.RequestServices.GetRequiredService<SessionCheck>().IsCurrentAsync(principal, context.RequestAborted);
}
