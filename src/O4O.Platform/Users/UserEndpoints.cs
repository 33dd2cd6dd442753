using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Platform.Auth;
using O4O.Platform.Http;

namespace O4O.Platform.Users;

public static class UserEndpoints
{
    public static IServiceCollection AddUsers(this IServiceCollection services) => services.AddSingleton<UserStore>();

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(Policies.Admin);
        users.MapGet("", List);
        users.MapGet("/{id:long}", Get);
        return app;
    }

    private static async Task<Results<Ok<PagedList<UserResponse>>, ValidationProblem>> List(
        int? page, int? pageSize, UserStore store, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var request = PageRequest.Validate(page, pageSize, errors);
        return errors.IsEmpty
            ? TypedResults.Ok(await store.ListAsync(request, cancellationToken))
            : TypedResults.ValidationProblem(errors.ToDictionary());
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Get(long id, UserStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } user ? TypedResults.Ok(user) : Problems.NotFound($"User {id} does not exist.");
}
