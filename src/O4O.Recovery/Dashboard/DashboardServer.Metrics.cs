using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace O4O.Recovery.Dashboard;

internal sealed partial class DashboardServer
{
    /// <summary>Where the conductor's metrics are scraped, on the dashboard's port.</summary>
    public const string MetricsPath = "/metrics";

    private static void MapMetrics(WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, branch => branch.Use(ServeLoopbackOnlyAsync), optionsName: null);

    /// <summary>
    /// Only to a scraper on this machine, whatever address the dashboard listens on: the metrics are read without signing
    /// in (a scraper holds no session), and they show the shop's failures and backups to whoever can read them. The
    /// dashboard believes no forwarded header, so the connection's own address is the caller's.
    /// </summary>
    private static async Task ServeLoopbackOnlyAsync(HttpContext http, RequestDelegate next)
    {
        if (http.Connection.RemoteIpAddress is not { } address || !IPAddress.IsLoopback(address))
        {
            await TypedResults.Problem("The conductor's metrics are served to this machine only.", statusCode: StatusCodes.Status403Forbidden)
                .ExecuteAsync(http);
            return;
        }

        await http.RequestServices.GetRequiredService<ConductorMetrics>().RefreshAsync(http.RequestAborted);
        await next(http);
    }
}

internal static class ConductorMetricsExtensions
{
    public static IServiceCollection AddConductorMetrics(this IServiceCollection services, DashboardContext context)
    {
        services.AddSingleton(provider => new ConductorMetrics(context, provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("o4o-conductor"))
            .WithMetrics(metrics => metrics.AddMeter(ConductorMetrics.MeterName).AddPrometheusExporter());
        return services;
    }
}
