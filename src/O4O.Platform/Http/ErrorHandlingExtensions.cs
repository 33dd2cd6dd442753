using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using O4O.Recovery.Configuration;

namespace O4O.Platform.Http;

public static class ErrorHandlingExtensions
{
    /// <summary>The largest request body the platform reads; anything bigger is a 413.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Problem details for every error: exceptions, bad requests, and bare status codes.</summary>
    public static IServiceCollection AddHttpErrorHandling(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        services.AddExceptionHandler(options =>
            options.StatusCodeSelector = exception => exception is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        // A malformed body is the client's mistake: answer 400/415 with problem details instead of throwing.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        return services;
    }

    public static WebApplication UseHttpErrorHandling(this WebApplication app)
    {
        app.UseForwardedHeaders(ForwardedHeadersFromTheProxy(app.Configuration));
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RejectOversizedBodies);
        // Inside the exception handler: a request it runs again never reached the 503 answer.
        app.UseMiddleware<FailoverRetry>();
        return app;
    }

    /// <summary>
    /// Believes <c>X-Forwarded-For</c> and <c>-Proto</c> only from the proxy the conductor configured
    /// (<see cref="PlatformOptions.TrustedProxySetting"/>): the framework's default trusts every loopback caller, which
    /// let any local client pick the address that failed logins, the lockout and the sign-in limit are recorded under.
    /// </summary>
    private static ForwardedHeadersOptions ForwardedHeadersFromTheProxy(IConfiguration configuration)
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        if (IPAddress.TryParse(configuration[PlatformOptions.TrustedProxySetting], out var proxy))
        {
            options.KnownProxies.Add(proxy);
        }

        return options;
    }

    private static Task RejectOversizedBodies(HttpContext context, RequestDelegate next)
    {
        // An endpoint that takes more (an image upload) says so with its IRequestSizeLimitMetadata, which routing,
        // run before this, has also given Kestrel as the request's own limit.
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize
            ?? MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            // The status code page turns the bare status into problem details.
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return Task.CompletedTask;
        }

        return next(context);
    }
}
