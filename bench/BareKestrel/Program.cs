// A bare minimal-API endpoint answering a small JSON document: what /api/health is measured against.
var app = WebApplication.CreateSlimBuilder(args).Build();
app.MapGet("/health", () => TypedResults.Ok(new { status = "Healthy" }));
app.Run();
