using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using O4O.Platform.Auth;
using O4O.Platform.Http;

namespace O4O.Platform.Users;

public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(Policies.Admin);
        users.MapGet("", List);
        users.MapGet("/{id:long}", Get);
        return app;
    }

    private static async Task<Results<Ok<PagedList<UserResponse>>, ValidationProblem>> List(
        int? page, int? pageSize, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var request = PageRequest.Validate(page, pageSize, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT {UserResponse.Columns} FROM users ORDER BY id LIMIT @limit OFFSET @offset;
            SELECT count(*) FROM users;
            """,
            new { limit = request.PageSize, offset = request.Offset },
            cancellationToken: cancellationToken));
        var items = (await results.ReadAsync<UserResponse>()).AsList();
        return TypedResults.Ok(new PagedList<UserResponse>(items, request.Page, request.PageSize, await results.ReadSingleAsync<long>()));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Get(long id, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<UserResponse>(new CommandDefinition(
            $"SELECT {UserResponse.Columns} FROM users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return user is null ? Problems.NotFound($"User {id} does not exist.") : TypedResults.Ok(user);
    }
}
