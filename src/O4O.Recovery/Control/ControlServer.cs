using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Control;

/// <summary>
/// The conductor's control API: HTTP over the unix socket <c>$O4O_HOME/o4o.sock</c>, mode 0600 (only the user running
/// the conductor, and root, may connect: the socket's permissions are the authentication).
/// </summary>
public sealed partial class ControlServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _socket;

    private ControlServer(WebApplication app, string socket)
    {
        _app = app;
        _socket = socket;
    }

    /// <summary>The socket of <paramref name="home"/>'s conductor.</summary>
    public static string SocketPath(O4OHome home) => home.ControlSocket;

    /// <summary>Binds the socket (replacing one left by a conductor that was killed) and starts serving.</summary>
    public static async Task<ControlServer> StartAsync(O4OHome home, ConductorState state, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var socket = SocketPath(home);
        File.Delete(socket);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = home.Root });
        // The conductor's pipeline, so that an exception in a handler is in conductor.log like everything else.
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socket));
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            foreach (var converter in ControlJson.Options.Converters)
            {
                json.SerializerOptions.Converters.Add(converter);
            }
        });
        var app = builder.Build();
        Map(app, state);
        await app.StartAsync(cancellationToken);
        // Right after the bind: the window in which the umask's mode applies is as short as it can be.
        File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new ControlServer(app, socket);
    }

    private static void Map(WebApplication app, ConductorState state)
    {
        app.MapGet("/status", () => state.Status());
        app.MapGet("/events", async (int? limit, CancellationToken cancellationToken) =>
            await state.Events.RecentAsync(Math.Clamp(limit ?? 50, 1, 10_000), cancellationToken));
        app.MapPost("/restart/{component}", (string component, string? actor) =>
        {
            if (state.Find(component) is not { } supervisor)
            {
                return Results.Problem($"No component named '{component}'.", statusCode: StatusCodes.Status404NotFound);
            }

            supervisor.RequestRestart(string.IsNullOrWhiteSpace(actor) ? "unknown" : actor);
            return Results.Accepted(value: supervisor.Snapshot);
        });
        // Synchronous: the answer says whether the release serves. Not cancelled with the request: a switch half done
        // by a caller that went away would leave two releases serving.
        app.MapPost("/platform/switch", async (SwitchRequest request) => state.SwitchPlatform is { } switchPlatform
            ? Results.Ok(await switchPlatform(request.Release, Actor(request.Actor)))
            : Results.Problem("This conductor cannot switch releases.", statusCode: StatusCodes.Status404NotFound));
        app.MapPost("/offsite/upload", () =>
        {
            if (state.UploadOffsiteSoon is not { } uploadSoon)
            {
                return Results.Problem("This conductor has no off-site bucket (Offsite:Endpoint).", statusCode: StatusCodes.Status404NotFound);
            }

            uploadSoon();
            return Results.Accepted(value: state.Status());
        });
        app.MapGet("/auto-recovery", () => state.AutoRecovery());
        app.MapPost("/auto-recovery", async (AutoRecoveryRequest request, CancellationToken cancellationToken) =>
        {
            await state.Gate.SetAutoRecoveryAsync(request.Enabled, Actor(request.Actor), cancellationToken);
            return state.AutoRecovery();
        });
        app.MapPost("/maintenance", async (MaintenanceRequest request, CancellationToken cancellationToken) =>
        {
            if (request.Component is { } component && state.Find(component) is null)
            {
                return Results.Problem($"No component named '{component}'.", statusCode: StatusCodes.Status404NotFound);
            }

            await state.Gate.SetPausedAsync(request.Component?.ToLowerInvariant() ?? RecoveryGate.AllComponents, request.On,
                $"maintenance by {Actor(request.Actor)}", Actor(request.Actor), cancellationToken);
            return Results.Ok(state.Status());
        });
        MapIncidents(app, state.Incidents);
    }

    /// <summary>The actor named in a request, or "unknown".</summary>
    internal static string Actor(string? actor) => string.IsNullOrWhiteSpace(actor) ? "unknown" : actor.Trim();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        File.Delete(_socket);
    }
}
