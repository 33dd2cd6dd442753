using System.Reflection;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using O4O.Recovery.Http;

namespace O4O.Recovery.Dashboard;

internal sealed partial class DashboardServer
{
    private static readonly Dictionary<string, string> _assets = new(StringComparer.Ordinal)
    {
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
    };

    private static void MapPages(WebApplication app, DashboardContext context)
    {
        app.MapGet("/", (Delegate)(async (HttpContext http) =>
        {
            var text = DashboardText.For(http.Request.Query["lang"]);
            return await CheckedSessionAsync(http, context, acting: false) switch
            {
                ({ } session, _) => Html(DashboardPage.Render(text, session.Actor, Antiforgery(http).GetAndStoreTokens(http).RequestToken!)),
                (null, Revoked: true) => Html(DashboardPage.SignIn(text, "signInRevoked")),
                _ => Html(DashboardPage.SignIn(text)),
            };
        }));
        app.MapPost("/sign-in", (Delegate)((HttpContext http) => SignInAsync(http, context))).RequireSignInLimit(async (http, retryAfterSeconds) =>
        {
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
            return Html(DashboardPage.SignIn(DashboardText.For(form["lang"]), "signInThrottled", retryAfterSeconds), StatusCodes.Status429TooManyRequests);
        });
        app.MapPost("/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync();
            return TypedResults.Redirect("/");
        });
        app.MapGet("/assets/{name}", Asset);
    }

    /// <summary>A sign-in with the operator token or a platform admin's token: the cookie is set and the page shown.</summary>
    private static async Task<Results<ContentHttpResult, RedirectHttpResult>> SignInAsync(HttpContext http, DashboardContext context)
    {
        var form = await http.Request.ReadFormAsync();
        var text = DashboardText.For(form["lang"]);
        var token = form["token"].ToString().Trim();
        var isOperator = token.Length > 0 && OperatorToken.Matches(OperatorToken.LoadOrCreate(context.Home), token);
        var admin = token.Length == 0 || isOperator ? null : await context.AdminSignIn.ValidateAsync(token);
        if (!isOperator && admin is null)
        {
            await context.FailedSignIns.RecordAsync(ClientAddress(http), http.RequestAborted);
            return Html(DashboardPage.SignIn(text, "signInFailed"), StatusCodes.Status401Unauthorized);
        }

        if (admin is not null && await AdminRefusedAsync(admin, context, http.RequestAborted))
        {
            return Html(DashboardPage.SignIn(text, "signInRevoked"), StatusCodes.Status401Unauthorized);
        }

        var actor = admin?.Email ?? "operator";
        await http.SignInAsync(DashboardSessions.Principal(new DashboardSession(actor, admin, context.Time.GetUtcNow())
        {
            OperatorTokenFingerprint = isOperator ? OperatorToken.Fingerprint(token) : null,
        }));
        await context.RecordAsync(actor, "signed in to the dashboard", http.RequestAborted);
        return TypedResults.Redirect(text.IsKorean ? "/?lang=ko" : "/", permanent: false);
    }

    /// <summary>
    /// Reads the admin's account as the platform's <c>SessionCheck</c> does: refused when revoked; let in, and noted in
    /// the event log, when the database cannot be reached, so the dashboard still opens during an outage.
    /// </summary>
    private static async Task<bool> AdminRefusedAsync(AdminToken admin, DashboardContext context, CancellationToken cancellationToken)
    {
        var (state, reason) = await context.AdminSignIn.CheckAsync(admin, cancellationToken);
        if (state == AdminSessionState.Revoked)
        {
            await context.RecordAsync(admin.Email, "dashboard sign-in refused: the platform account is locked, no longer an admin, or its sessions were revoked",
                cancellationToken);
        }
        else if (state == AdminSessionState.Unchecked)
        {
            await context.RecordAsync(admin.Email, $"dashboard sign-in accepted unchecked: the platform database is unavailable ({reason})", cancellationToken);
        }

        return state == AdminSessionState.Revoked;
    }

    private static Results<FileStreamHttpResult, NotFound> Asset(string name) =>
        _assets.TryGetValue(name, out var type)
            ? TypedResults.Stream(Assembly.GetExecutingAssembly().GetManifestResourceStream($"O4O.Recovery.Dashboard.Assets.{name}")!, type)
            : TypedResults.NotFound();

    private static IAntiforgery Antiforgery(HttpContext http) => http.RequestServices.GetRequiredService<IAntiforgery>();

    private static ContentHttpResult Html(string html, int status = StatusCodes.Status200OK) =>
        TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
}
