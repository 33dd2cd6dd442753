using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using O4O.Recovery.Incidents;

namespace O4O.Recovery.Control;

public sealed partial class ControlServer
{
    private static void MapIncidents(WebApplication app, IncidentBoard board)
    {
        app.MapGet("/incidents", async (CancellationToken cancellationToken) => await board.OpenAsync(cancellationToken));
        app.MapPost("/incidents/{id:long}/ack", (long id, AcknowledgeRequest request, CancellationToken cancellationToken) =>
            OnIncidentAsync(id, () => board.AcknowledgeAsync(id, Actor(request.Actor), cancellationToken)));
        app.MapPost("/incidents/{id:long}/notes", (long id, NoteRequest request, CancellationToken cancellationToken) =>
            string.IsNullOrWhiteSpace(request.Text)
                ? Task.FromResult(Results.Problem("The note is empty.", statusCode: StatusCodes.Status400BadRequest))
                : OnIncidentAsync(id, () => board.NoteAsync(id, request.Text, Actor(request.Actor), cancellationToken)));
    }

    /// <summary>Runs an action on incident <paramref name="id"/>: its view, or 404 when there is no such incident.</summary>
    internal static async Task<IResult> OnIncidentAsync(long id, Func<Task<IncidentView>> action)
    {
        try
        {
            return Results.Ok(await action());
        }
        catch (IncidentNotFoundException)
        {
            return Results.Problem($"Incident {id} does not exist.", statusCode: StatusCodes.Status404NotFound);
        }
    }
}
