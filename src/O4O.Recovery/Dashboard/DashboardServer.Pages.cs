using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using O4O.Recovery.Http;

namespace O4O.Recovery.Dashboard;

public sealed partial class DashboardServer
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
                ({ } session, _) => Html(DashboardPage.Render(text, session)),
                (null, Revoked: true) => Html(DashboardPage.SignIn(text, "signInRevoked")),
                _ => Html(DashboardPage.SignIn(text)),
            };
        }));
        app.MapPost("/sign-in", (Delegate)(async (HttpContext http) =>
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
            var (id, session) = context.Sessions.Start(actor, admin);
            http.Response.Cookies.Append(DashboardSessions.Cookie, id, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = http.Request.IsHttps,
                Path = "/",
                Expires = session.ExpiresAt,
            });
            await context.RecordAsync(actor, "signed in to the dashboard", http.RequestAborted);
            return Results.Redirect(text.IsKorean ? "/?lang=ko" : "/", permanent: false);
        })).RequireSignInLimit(async (http, retryAfterSeconds) =>
        {
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
            return Html(DashboardPage.SignIn(DashboardText.For(form["lang"]), "signInThrottled", retryAfterSeconds), StatusCodes.Status429TooManyRequests);
        });
        app.MapPost("/sign-out", (HttpContext http) =>
        {
            context.Sessions.End(http.Request.Cookies[DashboardSessions.Cookie]);
            http.Response.Cookies.Delete(DashboardSessions.Cookie);
            return Results.Redirect("/");
        });
        app.MapGet("/assets/{name}", (string name) =>
        {
            if (!_assets.TryGetValue(name, out var type))
            {
                return Results.NotFound();
            }

            var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"O4O.Recovery.Dashboard.Assets.{name}")!;
            return Results.Stream(stream, type);
        });
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

    private static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", statusCode: status);
}
