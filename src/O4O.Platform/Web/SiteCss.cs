namespace O4O.Platform.Web;

/// <summary>
/// The one stylesheet, embedded in the assembly: the platform is started from any working directory, so a
/// wwwroot folder beside it cannot be relied on.
/// </summary>
internal static class SiteCss
{
    private static readonly byte[] _content = Load();

    public static IResult Serve(HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Bytes(_content, "text/css; charset=utf-8");
    }

    private static byte[] Load()
    {
        using var stream = typeof(SiteCss).Assembly.GetManifestResourceStream("site.css")
            ?? throw new InvalidOperationException("site.css is not embedded in the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
