using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using O4O.Platform.Http;
using O4O.Platform.Users;

namespace O4O.Platform.Auth;

public sealed record Credentials(string? Email, string? Password);

internal static class AuthEndpoints
{
    public static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> Register(
        Credentials body, NpgsqlDataSource dataSource, Passwords passwords, CancellationToken cancellationToken)
    {
        var errors = CredentialRules.Validate(body, newPassword: true);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<UserResponse>(new CommandDefinition(
            $"""
            INSERT INTO users (email, password_hash, role) VALUES (@email, @hash, 'customer')
            ON CONFLICT ((lower(email))) DO NOTHING
            RETURNING {UserResponse.Columns}
            """,
            new { email = CredentialRules.Normalize(body.Email!), hash = passwords.Hash(body.Password!) },
            cancellationToken: cancellationToken));
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
