using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using O4O.Platform.Auth;
using O4O.Platform.Http;
using O4O.Platform.Users;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Resources;

namespace O4O.Platform.Web;

internal static class AdminPages
{
    public static RazorComponentResult<AdminLogin> LoginForm(string? returnUrl) =>
        LoginPage(returnUrl, email: null, error: null, StatusCodes.Status200OK);

    /// <summary>The form's post; form binding makes the antiforgery middleware's verdict binding, too.</summary>
    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminLogin>>> SignIn(
        [FromForm] string? email,
        [FromForm] string? password,
        [FromForm] string? returnUrl,
        LoginService logins,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var errors = CredentialRules.Validate(new Credentials(email, password), newPassword: false);
        if (!errors.IsEmpty)
        {
            return LoginPage(returnUrl, email, Text.ErrorCredentialsMissing, StatusCodes.Status400BadRequest);
        }

        var result = await logins.LoginAsync(CredentialRules.Normalize(email!), password!, context.ClientAddress(), cancellationToken);
        if (result is not { Outcome: LoginOutcome.Succeeded, User: { } user })
        {
            return result.Outcome switch
            {
                LoginOutcome.Locked => LoginPage(returnUrl, email, Text.ErrorLockedOut, StatusCodes.Status429TooManyRequests),
                LoginOutcome.Disabled => LoginPage(returnUrl, email, Text.ErrorDisabled, StatusCodes.Status403Forbidden),
                _ => LoginPage(returnUrl, email, Text.ErrorInvalidCredentials, StatusCodes.Status401Unauthorized),
            };
        }

        if (user.Role != Roles.Admin)
        {
            return LoginPage(returnUrl, email, Text.ErrorNotAdmin, StatusCodes.Status403Forbidden);
        }

        await CookieSessions.SignInAsync(context, CookieSessions.Admin, user);
        return TypedResults.LocalRedirect(AdminReturnUrl(returnUrl));
    }

    public static async Task<Results<RedirectHttpResult, BadRequest>> SignOut(IAntiforgery antiforgery, HttpContext context)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        await context.SignOutAsync(CookieSessions.Admin);
        return TypedResults.LocalRedirect("/admin/login");
    }

    /// <summary>A path inside the console, else <c>/admin</c>: a crafted returnUrl must not make an open redirect.</summary>
    private static string AdminReturnUrl(string? returnUrl) =>
        returnUrl is { } url
        && (url == "/admin" || url.StartsWith("/admin/", StringComparison.Ordinal) || url.StartsWith("/admin?", StringComparison.Ordinal))
        && ReturnUrls.IsLocalPath(url)
            ? url
            : "/admin";

    /// <summary>The form again, with the wait, for a post <see cref="O4O.Recovery.Http.SignInLimit"/> refused.</summary>
    public static async Task<IResult> SignInThrottled(HttpContext context, int retryAfterSeconds)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        var error = Text.Get(Text.ErrorSignInThrottled, retryAfterSeconds);
        return LoginPage(form["returnUrl"], form["email"], error, StatusCodes.Status429TooManyRequests);
    }

    private static RazorComponentResult<AdminLogin> LoginPage(string? returnUrl, string? email, string? error, int status) =>
        new(new { ReturnUrl = returnUrl, Email = email, Error = error })
        {
            StatusCode = status,
        };
}
