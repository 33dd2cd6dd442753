using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using O4O.Recovery.Control;
using O4O.Recovery.Http;

namespace O4O.Recovery.Dashboard;

/// <summary>
/// The monitoring dashboard, served by the conductor on its own port (<see cref="DashboardOptions.Port"/>), so it
/// shows an outage of the platform or the database instead of being part of it.
/// </summary>
internal sealed partial class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where it serves, as an operator types it into a browser.</summary>
    public Uri Address { get; }

    /// <summary>Starts serving.</summary>
    /// <exception cref="IOException">The port is taken (Kestrel's address-in-use error).</exception>
    public static async Task<DashboardServer> StartAsync(DashboardContext context, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = context.Home.Root });
        // The conductor's pipeline, so that an exception in a handler is in conductor.log like everything else.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(context.Options.Address), context.Options.Port));
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            foreach (var converter in ControlJson.Options.Converters)
            {
                json.SerializerOptions.Converters.Add(converter);
            }
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddDashboardSessions(context.Home, context.Options, context.Time);
        builder.Services.AddSignInLimit(_ => new SignInLimitOptions(Math.Max(1, context.Options.SignInPermitLimit), context.Options.SignInWindow), ClientAddress);
        builder.Services.AddConductorMetrics(context);
        var app = builder.Build();
        app.Use(SecurityHeaders);
        app.UseRateLimiter();
        MapPages(app, context);
        MapActions(app, context);
        MapMetrics(app);
        await app.StartAsync(cancellationToken);
        return new DashboardServer(app, new UriBuilder(Uri.UriSchemeHttp, context.Options.Address, context.Options.Port).Uri);
    }

    /// <summary>The caller's own address: the dashboard believes no forwarded header.</summary>
    private static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static Task SecurityHeaders(HttpContext http, Func<Task> next)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return next();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
