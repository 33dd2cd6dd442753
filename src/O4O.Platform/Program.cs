var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/api/health/live", () => TypedResults.Ok(new { status = "Healthy" }));
app.Run();

/// <summary>The web application's entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
