using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Platform.Http;
using O4O.Platform.Users;

namespace O4O.Platform.Auth;

public sealed record Credentials(string? Email, string? Password);

internal static class AuthEndpoints
{
    public static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> Register(
        Credentials body, UserStore users, Passwords passwords, CancellationToken cancellationToken)
    {
        var errors = CredentialRules.Validate(body, newPassword: true);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var user = await users.RegisterAsync(CredentialRules.Normalize(body.Email!), passwords.Hash(body.Password!), cancellationToken);
        return user is null
            ? TypedResults.Problem("An account with this email already exists.", statusCode: StatusCodes.Status409Conflict)
            : TypedResults.Created($"/api/v1/users/{user.Id}", user);
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Login(
        Credentials body, LoginService logins, TokenIssuer tokens, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = CredentialRules.Validate(body, newPassword: false);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var result = await logins.LoginAsync(
            CredentialRules.Normalize(body.Email!), body.Password!, context.ClientAddress(), cancellationToken);
        switch (result.Outcome)
        {
            case LoginOutcome.Succeeded:
                return TypedResults.Ok(tokens.Issue(result.User!));
            case LoginOutcome.Locked:
                if (result.LockedUntil is { } until)
                {
                    var seconds = Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalSeconds));
                    context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                }

                return TypedResults.Problem(
                    "Too many failed logins: the account is locked for a while.", statusCode: StatusCodes.Status429TooManyRequests);
            default:
                return TypedResults.Problem("Invalid email or password.", statusCode: StatusCodes.Status401Unauthorized);
        }
    }
}
