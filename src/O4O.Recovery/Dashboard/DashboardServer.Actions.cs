using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Control;
using O4O.Recovery.Incidents;
using O4O.Recovery.Resources;

namespace O4O.Recovery.Dashboard;

/// <summary>A switch on the dashboard.</summary>
/// <param name="On">On or off.</param>
internal sealed record DashboardSwitch(bool On);

/// <summary>A note typed on the dashboard.</summary>
/// <param name="Text">The note.</param>
internal sealed record DashboardNote(string? Text);

internal sealed partial class DashboardServer
{
    private static void MapActions(WebApplication app, DashboardContext context)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/state", (Delegate)((HttpContext http) => StateAsync(http, context)));
        api.MapGet("/incidents/{id:long}/report", (long id, string? lang, HttpContext http) => ReportAsync(id, lang, http, context));
        api.MapPost("/auto-recovery", (DashboardSwitch request, HttpContext http) => ActAsync(http, context, async actor =>
        {
            await context.State.Gate.SetAutoRecoveryAsync(request.On, actor, http.RequestAborted);
            return TypedResults.Ok(context.State.AutoRecovery());
        }));
        api.MapPost("/maintenance", (DashboardSwitch request, HttpContext http) => ActAsync(http, context, async actor =>
        {
            await context.State.Gate.SetPausedAsync(RecoveryGate.AllComponents, request.On, $"maintenance by {actor}", actor, http.RequestAborted);
            return TypedResults.Ok(context.State.Status().Paused);
        }));
        api.MapPost("/incidents/{id:long}/ack", (long id, HttpContext http) => ActAsync(http, context, actor =>
            ControlServer.OnIncidentAsync(id, () => context.State.Incidents.AcknowledgeAsync(id, actor, http.RequestAborted))));
        api.MapPost("/incidents/{id:long}/notes", (long id, DashboardNote note, HttpContext http) => ActAsync(http, context, actor =>
            string.IsNullOrWhiteSpace(note.Text)
                ? Task.FromResult<IResult>(TypedResults.Problem("The note is empty.", statusCode: StatusCodes.Status400BadRequest))
                : ControlServer.OnIncidentAsync(id, () => context.State.Incidents.NoteAsync(id, note.Text, actor, http.RequestAborted))));
        api.MapPost("/backups", (Delegate)((HttpContext http) => ActAsync(http, context, actor => Task.FromResult<IResult>(
            context.Backups.Start(actor, app.Lifetime.ApplicationStopping)
                ? TypedResults.Accepted((string?)null)
                : TypedResults.Problem("A backup is already running.", statusCode: StatusCodes.Status409Conflict)))));
    }

    private static async Task<Results<JsonHttpResult<DashboardView>, ProblemHttpResult>> StateAsync(HttpContext http, DashboardContext context) =>
        await SessionOfAsync(http, context) is { } session
            ? TypedResults.Json(await DashboardView.BuildAsync(context, session.Actor, RecoveryText.Culture(http.Request.Query["lang"]), http.RequestAborted),
                ControlJson.Options)
            : SignInRequired();

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReportAsync(long id, string? lang, HttpContext http, DashboardContext context)
    {
        if (await SessionOfAsync(http, context) is null)
        {
            return SignInRequired();
        }

        try
        {
            var store = context.State.Incidents.Store;
            var markdown = PostMortem.Render(await store.GetAsync(id, http.RequestAborted), await store.TimelineAsync(id, http.RequestAborted),
                RecoveryText.Culture(lang), context.Time.GetUtcNow());
            return TypedResults.File(Encoding.UTF8.GetBytes(markdown), "text/markdown; charset=utf-8",
                string.Create(CultureInfo.InvariantCulture, $"incident-{id}.md"));
        }
        catch (IncidentNotFoundException exception)
        {
            return TypedResults.Problem(exception.Message, statusCode: StatusCodes.Status404NotFound);
        }
    }

    /// <summary>Runs a person's action: signed in and with the session's CSRF token, recorded with who did it.</summary>
    private static async Task<IResult> ActAsync(HttpContext http, DashboardContext context, Func<string, Task<IResult>> action)
    {
        if (await SessionOfAsync(http, context, acting: true) is not { } session)
        {
            return SignInRequired();
        }

        try
        {
            await Antiforgery(http).ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return TypedResults.Problem("The request lacks the page's CSRF token: reload the page.", statusCode: StatusCodes.Status403Forbidden);
        }

        await context.RecordAsync(session.Actor, $"dashboard: {http.Request.Method} {http.Request.Path}", http.RequestAborted);
        return await action(session.Actor);
    }

    private static ProblemHttpResult SignInRequired() =>
        TypedResults.Problem("Sign in first.", statusCode: StatusCodes.Status401Unauthorized);
}
