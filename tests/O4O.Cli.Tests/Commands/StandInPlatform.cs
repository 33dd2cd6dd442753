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

    /// <param name="healthStatus">What <c>/api/health</c> answers.</param>
    /// <param name="missingTable">A table the platform's readiness reports missing, as the real one does; the storefront then answers 500.</param>
    public static async Task<StandInPlatform> StartAsync(int healthStatus, string? missingTable = null)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/api/health/live", () => Results.Ok());
        app.MapGet("/api/health", () => Results.StatusCode(healthStatus));
        app.MapGet("/api/health/ready", () => missingTable is null ? Results.Ok() : Results.Json(new
        {
            status = "Unhealthy",
            checks = new { schema = new { status = "Unhealthy", description = $"42P01 relation \"{missingTable}\" does not exist" } },
        }, statusCode: 503));
        app.MapGet("/", () => missingTable is null ? Results.Ok() : Results.StatusCode(500));
        app.MapGet("/admin", () => Results.Redirect("/admin/login"));
        await app.StartAsync();
        return new StandInPlatform(app, port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
