using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using O4O.Platform.Auth;
using O4O.Platform.Carts;
using O4O.Platform.Http;
using O4O.Platform.Users;
using O4O.Platform.Web.Components.Account;
using O4O.Platform.Web.Resources;

namespace O4O.Platform.Web.Account;

/// <summary>
/// The customers' registration, sign-in and sign-out, under the API's rules: the same validation
/// (<see cref="CredentialRules"/>), lockout (<see cref="LoginService"/>) and sign-in limit. Every post is antiforgery-checked
/// by its form binding; a customer is signed in with the storefront's cookie (<see cref="CookieSessions.Customer"/>), and
/// what they put in the cart as a guest joins their own cart.
/// </summary>
internal static class AccountPages
{
    public static RazorComponentResult<AccountPage> RegisterForm(string? returnUrl) => Page(registering: true, null, returnUrl);

    public static RazorComponentResult<AccountPage> SignInForm(string? returnUrl) => Page(registering: false, null, returnUrl);

    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AccountPage>>> Register(
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
        UserStore users, Passwords passwords, LoginService logins, ShoppingCart carts, HttpContext context, CancellationToken cancellationToken)
    {
        var invalid = Refused(email, password, newPassword: true);
        if (invalid.Count > 0)
        {
            return Page(registering: true, email, returnUrl, invalid, status: StatusCodes.Status400BadRequest);
        }

        if (await users.RegisterAsync(CredentialRules.Normalize(email!), passwords.Hash(password!), cancellationToken) is null)
        {
            return Page(registering: true, email, returnUrl, new HashSet<string> { "email-taken" }, status: StatusCodes.Status409Conflict);
        }

        // Through the one sign-in, so the new account's first session is audited like every other.
        return await SignInAsync(registering: true, new(email!, password!), returnUrl, logins, carts, context, cancellationToken);
    }

    public static async Task<Results<RedirectHttpResult, RazorComponentResult<AccountPage>>> SignIn(
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
        LoginService logins, ShoppingCart carts, HttpContext context, CancellationToken cancellationToken)
    {
        var invalid = Refused(email, password, newPassword: false);
        return invalid.Count > 0
            ? Page(registering: false, email, returnUrl, invalid, status: StatusCodes.Status400BadRequest)
            : await SignInAsync(registering: false, new(email!, password!), returnUrl, logins, carts, context, cancellationToken);
    }

    public static async Task<Results<RedirectHttpResult, BadRequest>> SignOut(IAntiforgery antiforgery, HttpContext context)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.BadRequest();
        }

        await context.SignOutAsync(CookieSessions.Customer);
        return TypedResults.LocalRedirect("/");
    }

    /// <summary>The form again, with the wait, for a post <see cref="O4O.Recovery.Http.SignInLimit"/> refused.</summary>
    public static Func<HttpContext, int, Task<IResult>> Throttled(bool registering) => async (context, retryAfterSeconds) =>
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        return Page(registering, form["email"], form["returnUrl"], error: Text.Get(Text.ErrorSignInThrottled, retryAfterSeconds),
            status: StatusCodes.Status429TooManyRequests);
    };

    private static async Task<Results<RedirectHttpResult, RazorComponentResult<AccountPage>>> SignInAsync(
        bool registering, Credentials credentials, string? returnUrl, LoginService logins, ShoppingCart carts,
        HttpContext context, CancellationToken cancellationToken)
    {
        var email = credentials.Email!;
        var result = await logins.LoginAsync(CredentialRules.Normalize(email), credentials.Password!, context.ClientAddress(), cancellationToken);
        switch (result)
        {
            case { Outcome: LoginOutcome.Succeeded, User: { } user }:
                await CookieSessions.SignInAsync(context, CookieSessions.Customer, user);
                await carts.MergeGuestCartAsync(context, user.Id, cancellationToken);
                return TypedResults.LocalRedirect(returnUrl is { } url && ReturnUrls.IsLocalPath(url) ? url : "/");
            case { Outcome: LoginOutcome.Locked }:
                return Page(registering, email, returnUrl, error: Text.ErrorLockedOut, status: StatusCodes.Status429TooManyRequests);
            default:
                // As the API answers: a disabled account reads as wrong credentials, so the form tells no stranger it exists.
                return Page(registering, email, returnUrl, error: Text.ErrorInvalidCredentials, status: StatusCodes.Status401Unauthorized);
        }
    }

    private static HashSet<string> Refused(string? email, string? password, bool newPassword) =>
        CredentialRules.Validate(new Credentials(email, password), newPassword).ToDictionary().Keys.ToHashSet(StringComparer.Ordinal);

    private static RazorComponentResult<AccountPage> Page(
        bool registering, string? email, string? returnUrl, IReadOnlySet<string>? invalid = null, string? error = null, int status = StatusCodes.Status200OK) =>
        new(new { Registering = registering, Email = email, ReturnUrl = returnUrl, Invalid = invalid ?? new HashSet<string>(), Error = error })
        {
            StatusCode = status,
        };
}
