using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using O4O.Platform.Auth;

namespace O4O.Platform.Web.Admin;

/// <summary>The console's management pages; all of them admin-only, every form post antiforgery-checked by its binding.</summary>
internal static class AdminRoutes
{
    public const string DefaultDashboardUrl = "http://127.0.0.1:4001/";

    public static void MapConsole(this RouteGroupBuilder admin, string[] getOrHead)
    {
        var console = admin.MapGroup("").RequireAuthorization(Policies.Admin);
        console.MapMethods("/products", getOrHead, AdminProductPages.List);
        console.MapMethods("/products/new", getOrHead, AdminProductPages.New);
        console.MapPost("/products", AdminProductPages.Create);
        console.MapMethods("/products/{id:long}", getOrHead, AdminProductPages.Edit);
        console.MapPost("/products/{id:long}", AdminProductPages.Update);
        console.MapPost("/products/{id:long}/stock", AdminProductActions.AdjustStock);
        // Binding the file reads the form, which checks the antiforgery token as for every other form here.
        console.MapPost("/products/{id:long}/image", AdminProductActions.UploadImage)
            .WithMetadata(new RequestSizeLimitAttribute(AdminProductActions.MaxUploadRequestBytes));
        console.MapPost("/products/{id:long}/archived", AdminProductActions.SetArchived);
        console.MapMethods("/categories", getOrHead, AdminCategoryPages.List);
        console.MapPost("/categories", AdminCategoryPages.Create);
        console.MapMethods("/categories/{id:long}", getOrHead, AdminCategoryPages.Edit);
        console.MapPost("/categories/{id:long}", AdminCategoryPages.Update);
        console.MapMethods("/orders", getOrHead, AdminOrderPages.List);
        console.MapMethods("/orders/{id:long}", getOrHead, AdminOrderPages.Detail);
        console.MapPost("/orders/{id:long}/status", AdminOrderPages.ChangeStatus);
        console.MapMethods("/users", getOrHead, AdminUserPages.List);
        console.MapPost("/users/{id:long}/lock", AdminUserPages.Lock);
        console.MapPost("/users/{id:long}/unlock", AdminUserPages.Unlock);
        console.MapMethods("/monitoring", getOrHead, Monitoring);
    }

    /// <summary>
    /// The monitoring dashboard is served by the conductor on its own port, so it shows an outage of the platform
    /// instead of sharing it: the console only leads there (<c>Dashboard:Url</c>).
    /// </summary>
    private static RedirectHttpResult Monitoring(IConfiguration configuration) =>
        TypedResults.Redirect(
            Uri.TryCreate(configuration["Dashboard:Url"], UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? url.ToString()
                : DefaultDashboardUrl);
}
