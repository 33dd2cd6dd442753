using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using O4O.Tests.Shared;

namespace O4O.Cli.Tests.Commands;

/// <summary>A real HTTP server on a free port that answers the platform's health routes with a chosen status.</summary>
internal sealed class StandInPlatform : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandInPlatform(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<StandInPlatform> StartAsync(int healthStatus)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/api/health/live", () => Results.Ok());
        app.MapGet("/api/health", () => Results.StatusCode(healthStatus));
        app.MapGet("/", () => Results.Ok());
        app.MapGet("/admin", () => Results.Redirect("/admin/login"));
        await app.StartAsync();
        return new StandInPlatform(app, port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
