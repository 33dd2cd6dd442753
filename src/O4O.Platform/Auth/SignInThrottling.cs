using Microsoft.Extensions.Options;
using O4O.Platform.Http;
using O4O.Recovery.Http;

namespace O4O.Platform.Auth;

/// <summary>
/// The platform's sign-ins (login, registration, the admin form) under <see cref="SignInLimit"/>:
/// <see cref="AuthOptions.SignInPermitLimit"/> per <see cref="AuthOptions.SignInWindow"/> per client address. The
/// lockout (<see cref="LoginService"/>) is per account and address.
/// </summary>
internal static class SignInThrottling
{
    public static IServiceCollection AddSignInThrottling(this IServiceCollection services) =>
        services.AddSignInLimit(
            context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
                return new SignInLimitOptions(options.SignInPermitLimit, options.SignInWindow);
            },
            context => context.ClientAddress());
}
