using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace O4O.Platform.Health;

public static class HealthExtensions
{
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<SchemaHealthCheck>("schema")
            .AddCheck<DiskHealthCheck>("disk")
            .AddCheck<MemoryHealthCheck>("memory");
        services.AddSingleton<HealthReportCache>();
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/api/health").WithTags("Health").AllowAnonymous();
        health.MapGet("", Report);
        health.MapGet("/ready", Report);
        // Liveness touches nothing but the process: a supervisor must not restart the platform for a database outage.
        health.MapGet("/live", () => TypedResults.Ok(new LivenessResponse(nameof(HealthStatus.Healthy))));
        return app;
    }

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> Report(
        HealthReportCache cache, CancellationToken cancellationToken)
    {
        var response = await cache.GetAsync(cancellationToken);
        return response.Status == nameof(HealthStatus.Unhealthy)
            ? TypedResults.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(response);
    }
}
