using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using O4O.Platform.Http;

namespace O4O.Platform.Auth;

/// <summary>
/// A limit on sign-in requests per client address (<see cref="AuthOptions.SignInPermitLimit"/> per
/// <see cref="AuthOptions.SignInWindow"/>): one source cannot spray passwords across accounts, and while it is
/// throttled every other address still signs in. The lockout (<see cref="LoginService"/>) is per account and address.
/// </summary>
internal static class SignInThrottling
{
    public const string Policy = "sign-in";

    public static IServiceCollection AddSignInThrottling(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(context.ClientAddress(), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.SignInPermitLimit,
                    Window = options.SignInWindow,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = RejectAsync;
        });

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
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
