using System.Net;
using Microsoft.AspNetCore.Authorization;
using O4O.Platform.Auth;
using O4O.Platform.Http;
using O4O.Platform.Orders;
using O4O.Recovery.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace O4O.Platform.Metrics;

/// <summary>
/// OpenTelemetry metrics on a Prometheus scrape endpoint: ASP.NET Core's request duration histogram (rate, latency and
/// status by route), Kestrel's connections, Npgsql's connection pool and commands, and the orders placed.
/// </summary>
public static class MetricsExtensions
{
    public const string Path = "/metrics";

    public static IServiceCollection AddMetricsExport(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("o4o-platform"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                // Npgsql's own meter: pool usage, pending requests, command durations, per data source name.
                .AddMeter("Npgsql")
                .AddMeter(OrderMetrics.MeterName)
                .AddPrometheusExporter());
        return services;
    }

    public static IEndpointRouteBuilder MapMetricsExport(this IEndpointRouteBuilder app)
    {
        var trustedProxy = IPAddress.TryParse(app.ServiceProvider.GetRequiredService<IConfiguration>()[PlatformOptions.TrustedProxySetting], out var proxy)
            ? proxy
            : null;
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, branch => branch.Use((context, next) => ServeOnlyToOperatorsAsync(context, next, trustedProxy)),
            optionsName: null);
        return app;
    }

    /// <summary>
    /// The numbers say how busy the shop is and where it fails, which is nobody else's business: the scraper runs on this
    /// machine (the conductor's 5xx watch, a local Prometheus or node agent), or a remote one signs in as an admin.
    /// Through nginx every request arrives from the proxy's loopback address, so loopback means the client the
    /// proxy forwarded (<see cref="ClientAddressExtensions.IsOnThisMachine"/>), never the proxy itself.
    /// </summary>
    private static async Task ServeOnlyToOperatorsAsync(HttpContext context, RequestDelegate next, IPAddress? trustedProxy)
    {
        if (context.IsOnThisMachine(trustedProxy)
            || (await context.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(context.User, Policies.Admin)).Succeeded)
        {
            await next(context);
            return;
        }

        await TypedResults.Problem("Metrics are served to this machine and to admins only.", statusCode: StatusCodes.Status403Forbidden)
            .ExecuteAsync(context);
    }
}
