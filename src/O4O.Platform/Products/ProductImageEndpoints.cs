using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace O4O.Platform.Products;

/// <summary>Serves the pictures <see cref="ProductImages"/> stored, cached for a year: a new upload gets a new URL.</summary>
internal static class ProductImageEndpoints
{
    private static readonly string[] _getOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static IServiceCollection AddProductImages(this IServiceCollection services) => services.AddSingleton<ProductImages>();

    public static void MapProductImages(this IEndpointRouteBuilder app) =>
        app.MapMethods($"/images/products/{{id:long}}/{{file:regex({ProductImages.FilePattern})}}", _getOrHead, Serve).ExcludeFromDescription();

    private static Results<PhysicalFileHttpResult, NotFound> Serve(long id, string file, ProductImages images, HttpContext context)
    {
        if (images.Find(id, file) is not { } path)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        context.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        return TypedResults.PhysicalFile(path, "image/webp", lastModified: File.GetLastWriteTimeUtc(path));
    }
}
