using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace O4O.Recovery.Http;

/// <summary>How many sign-in requests one client address may make in a window.</summary>
/// <param name="PermitLimit">Requests per window.</param>
/// <param name="Window">The fixed window.</param>
public sealed record SignInLimitOptions(int PermitLimit, TimeSpan Window);

/// <summary>
/// The rate limit on sign-ins per client address, one for the platform's sign-ins and the dashboard's: one source
/// cannot guess or spray without end, and while it is throttled every other address still signs in. A refused request
/// is a 429 with <c>Retry-After</c> that never reaches the handler, so it writes nothing: a problem for an API, the
/// form's own page for an HTML form (<see cref="RequireSignInLimit"/>), so a browser never shows raw JSON.
/// </summary>
public static class SignInLimit
{
    private const string Policy = "sign-in";

    /// <summary>Adds <see cref="Policy"/>, partitioned by <paramref name="clientAddress"/>.</summary>
    public static IServiceCollection AddSignInLimit(
        this IServiceCollection services, Func<HttpContext, SignInLimitOptions> options, Func<HttpContext, string> clientAddress) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context =>
            {
                var limit = options(context);
                return RateLimitPartition.GetFixedWindowLimiter(clientAddress(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = limit.Window,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = RejectAsync;
        });

    /// <summary>
    /// Puts <paramref name="endpoint"/> under the limit. A refusal is a problem, or, with <paramref name="refusalPage"/>
    /// (given the request and the seconds to wait), that page: the sign-in form again with the wait beside it.
    /// </summary>
    public static RouteHandlerBuilder RequireSignInLimit(
        this RouteHandlerBuilder endpoint, Func<HttpContext, int, Task<IResult>>? refusalPage = null) =>
        refusalPage is null
            ? endpoint.RequireRateLimiting(Policy)
            : endpoint.RequireRateLimiting(Policy).WithMetadata(new RefusalPage(refusalPage));

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken _)
    {
        var context = rejected.HttpContext;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        // A fixed window always says when it reopens; without it the wait reads as the shortest one.
        rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (context.GetEndpoint()?.Metadata.GetMetadata<RefusalPage>() is { } page)
        {
            await (await page.Render(context, seconds)).ExecuteAsync(context);
            return;
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Detail = "Too many sign-in attempts from this address: try again later." },
        });
    }

    private sealed record RefusalPage(Func<HttpContext, int, Task<IResult>> Render);
}
