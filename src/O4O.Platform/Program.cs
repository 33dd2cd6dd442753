using O4O.Platform.Auth;
using O4O.Platform.AutoRecovery;
using O4O.Platform.Carts;
using O4O.Platform.Data;
using O4O.Platform.Health;
using O4O.Platform.Hosting;
using O4O.Platform.Http;
using O4O.Platform.Metrics;
using O4O.Platform.Orders;
using O4O.Platform.Products;
using O4O.Platform.Users;
using O4O.Platform.Web;

var builder = WebApplication.CreateBuilder(args);
var home = builder.AddO4OHome();
builder.AddO4OLogging(home);

builder.Services.AddHttpErrorHandling();
builder.Services.AddData();
builder.Services.AddHealth();
builder.Services.AddAuth(home);
builder.Services.AddProducts();
builder.Services.AddOrders();
builder.Services.AddCarts();
builder.Services.AddUsers();
builder.Services.AddWeb();
builder.Services.AddAutoRecovery();
builder.Services.AddMetricsExport();

var app = builder.Build();

app.UseHttpErrorHandling();
app.UseWebLanguages();
app.UseStorefrontPageCache();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapHealth();
app.MapAuth();
app.MapProducts();
app.MapOrders();
app.MapUsers();
app.MapWeb();
app.MapAutoRecovery();
app.MapMetricsExport();

return await app.RunPlatformAsync();

/// <summary>The web application's entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
