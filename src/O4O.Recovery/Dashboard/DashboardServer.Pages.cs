using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

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
        app.MapGet("/", (HttpContext http) =>
        {
            var text = DashboardText.For(http.Request.Query["lang"]);
            return SessionOf(http, context) is { } session
                ? Html(DashboardPage.Render(text, session))
                : Html(DashboardPage.SignIn(text, failed: false), StatusCodes.Status200OK);
        });
        app.MapPost("/sign-in", (Delegate)(async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            var text = DashboardText.For(form["lang"]);
            var token = form["token"].ToString().Trim();
            var actor = token.Length == 0 ? null
                : OperatorToken.Matches(OperatorToken.LoadOrCreate(context.Home), token) ? "operator"
                : await context.AdminSignIn.ValidateAsync(token);
            if (actor is null)
            {
                await context.RecordAsync("unknown", $"dashboard sign-in refused from {http.Connection.RemoteIpAddress}", http.RequestAborted);
                return Html(DashboardPage.SignIn(text, failed: true), StatusCodes.Status401Unauthorized);
            }

            var (id, session) = context.Sessions.Start(actor);
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
        }));
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

    private static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", statusCode: status);
}
