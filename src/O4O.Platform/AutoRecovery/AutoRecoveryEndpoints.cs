using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Platform.Auth;
using O4O.Recovery.Configuration;
using O4O.Recovery.Control;

namespace O4O.Platform.AutoRecovery;

/// <summary>
/// The runbook's phase-5 switch for administrators: forwarded to the conductor's control socket in <c>$O4O_HOME</c>,
/// recorded there with the admin's e-mail address as the one who switched it.
/// </summary>
public static class AutoRecoveryEndpoints
{
    public static IServiceCollection AddAutoRecovery(this IServiceCollection services) =>
        services.AddSingleton(provider => new ControlConnection(provider.GetRequiredService<O4OHome>(), TimeSpan.FromSeconds(5)));

    public static IEndpointRouteBuilder MapAutoRecovery(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auto-recovery").WithTags("AutoRecovery").RequireAuthorization(Policies.Admin);
        group.MapGet("", (ControlConnection conductor, CancellationToken cancellationToken) =>
            ForwardAsync(() => conductor.AutoRecoveryAsync(cancellationToken)));
        group.MapPost("/enable", (ControlConnection conductor, ClaimsPrincipal user, CancellationToken cancellationToken) =>
            ForwardAsync(() => conductor.SetAutoRecoveryAsync(true, Actor(user), cancellationToken)));
        group.MapPost("/disable", (ControlConnection conductor, ClaimsPrincipal user, CancellationToken cancellationToken) =>
            ForwardAsync(() => conductor.SetAutoRecoveryAsync(false, Actor(user), cancellationToken)));
        return app;
    }

    private static async Task<Results<Ok<AutoRecoveryStatus>, ProblemHttpResult>> ForwardAsync(Func<Task<AutoRecoveryStatus>> request)
    {
        try
        {
            return TypedResults.Ok(await request());
        }
        catch (ConductorUnreachableException)
        {
            return TypedResults.Problem(
                "The conductor (o4o up) is not reachable, so AutoRecovery can neither be read nor switched. Start the platform with `o4o up`.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Conductor unavailable");
        }
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown admin";
}
