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
/// is a 429 problem with <c>Retry-After</c>, and never reaches the handler, so it writes nothing.
/// </summary>
public static class SignInLimit
{
    /// <summary>The rate-limiter policy's name, for <c>RequireRateLimiting</c>.</summary>
    public const string Policy = "sign-in";

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

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken _)
    {
        var context = rejected.HttpContext;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Detail = "Too many sign-in attempts from this address: try again later." },
        });
    }
}
