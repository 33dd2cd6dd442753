using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;
using O4O.Platform.Users;
using O4O.Recovery.Configuration;
using O4O.Recovery.Http;

namespace O4O.Platform.Auth;

/// <summary>Authorization policy names used by the endpoints.</summary>
public static class Policies
{
    public const string Admin = "admin";
    public const string SignedIn = "signed-in";
}

public static class AuthExtensions
{
    private const string BearerOrCookie = "bearer-or-cookie";

    /// <summary>
    /// Bearer tokens for the API, cookies for the pages (<see cref="CookieSessions"/>). The API never accepts a cookie, so a
    /// page cannot be tricked into calling it on an admin's behalf.
    /// </summary>
    public static IServiceCollection AddAuth(this IServiceCollection services, O4OHome home)
    {
        // Admin cookies and antiforgery tokens stay valid across restarts and do not depend on the OS user's home. One
        // application name, not the default (the content root, which differs between releases): every instance and every
        // release reads what another protected, so a session survives a deploy and any instance serves any request.
        services.AddDataProtection()
            .SetApplicationName("o4o-platform")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(home.Secrets, "data-protection")))
            .ProtectKeysWithCertificate(KeyRingCertificate.LoadOrCreate(home));
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .Validate(options => SigningKey.IsValid(options.SigningKey), "Auth:SigningKey must be base64 of at least 32 bytes.")
            .Validate(options => options.SignInWindow > TimeSpan.Zero, "Auth:SignInWindow must be positive.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSignInThrottling();
        services.AddSingleton<SigningKey>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<LoginService>();
        services.AddSingleton<SessionCheck>();

        services.AddAuthentication(BearerOrCookie)
            .AddPolicyScheme(BearerOrCookie, "Bearer for the API, cookie for pages", options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.Count > 0 || context.Request.Path.StartsWithSegments("/api")
                        ? JwtBearerDefaults.AuthenticationScheme
                        : CookieSessions.For(context.Request.Path))
            .AddJwtBearer()
            .AddCookie(options => CookieSessions.Configure(options, "o4o_admin", SameSiteMode.Strict, "/admin/login"))
            .AddCookie(CookieSessions.Customer, options => CookieSessions.Configure(options, "o4o_session", SameSiteMode.Lax, "/login"));
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKey>((options, key) =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = TokenIssuer.Issuer,
                    ValidAudience = TokenIssuer.Audience,
                    IssuerSigningKey = key.SecurityKey,
                    NameClaimType = ClaimNames.Email,
                    RoleClaimType = ClaimNames.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                options.Events = new JwtBearerEvents
                {
                    OnTokenValidated = async context =>
                    {
                        if (!await SessionCheck.IsCurrentAsync(context.HttpContext, context.Principal))
                        {
                            context.Fail("The session has been revoked.");
                        }
                    },
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Policies.SignedIn, policy => policy.RequireAuthenticatedUser());
        return services;
    }

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Auth").AllowAnonymous();
        auth.MapPost("/register", AuthEndpoints.Register).RequireSignInLimit();
        auth.MapPost("/login", AuthEndpoints.Login).RequireSignInLimit();
        return app;
    }
}
