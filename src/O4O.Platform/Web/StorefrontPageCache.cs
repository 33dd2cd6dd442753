using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace O4O.Platform.Web;

/// <summary>
/// The storefront's listing for a visitor who is nobody yet (no session, no cart): rendered once per address and language,
/// then served again with the visitor's own antiforgery token written into its forms, until anything is written through
/// the platform or <see cref="Lifetime"/> has passed (a write from elsewhere: a restore, another instance, psql).
/// </summary>
/// <remarks>
/// ASP.NET Core's output cache cannot serve this page: every card's Add to cart form carries a token bound to the
/// visitor's antiforgery cookie, so a cached copy would hand one visitor's token to all others and their Add to cart
/// would be refused. The page is the shop's busiest (issue 17 wants its p99 under 20 ms at concurrency 16 on two cores),
/// and rendering it costs ten times what serving a copy does.
/// </remarks>
internal sealed class StorefrontPageCache(IAntiforgery antiforgery) : IDisposable
{
    /// <summary>The longest a copy is served: the bound on how stale a write made outside this process leaves the page.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    // Pages for every search a visitor types would grow without end: the least recently used go first.
    private readonly MemoryCache _pages = new(new MemoryCacheOptions { SizeLimit = 1_000 });
    private long _version;

    /// <summary>Every copy made before now is stale: something may have changed what the pages show.</summary>
    public void Invalidate() => Interlocked.Increment(ref _version);

    /// <summary>The endpoint filter: serves a fresh copy, or renders the page and keeps a copy of it.</summary>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) || !IsNobodyYet(http.Request))
        {
            return await next(context);
        }

        var key = string.Create(CultureInfo.InvariantCulture, $"{CultureInfo.CurrentUICulture.Name} {http.Request.Path}{http.Request.QueryString}");
        var version = Interlocked.Read(ref _version);
        var token = antiforgery.GetAndStoreTokens(http).RequestToken ?? "";
        if (_pages.TryGetValue(key, out CachedPage? page) && page!.Version == version)
        {
            return page.For(token);
        }

        if (await next(context) is not IResult result)
        {
            return null;
        }

        var rendered = await RenderAsync(result, http, token, version);
        if (rendered is not null)
        {
            _pages.Set(key, rendered, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 });
            return rendered.For(token);
        }

        return EmptyHttpResult.Instance;
    }

    /// <inheritdoc />
    public void Dispose() => _pages.Dispose();

    // What the page shows depends on the session, the cart and the language; the language is in the key, and the
    // antiforgery cookie only on the token put back. Any other cookie, one we may not know of, is left alone.
    private static bool IsNobodyYet(HttpRequest request) =>
        request.Cookies.Keys.All(name =>
            name.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal) || name == CookieRequestCultureProvider.DefaultCookieName);

    // Executes the page into memory. A page that is not a 200 in HTML is written out as it is and not kept (null).
    private static async Task<CachedPage?> RenderAsync(IResult result, HttpContext http, string token, long version)
    {
        var headersBefore = http.Response.Headers.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var body = http.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            await result.ExecuteAsync(http);
        }
        finally
        {
            http.Features.Set(body);
        }

        if (http.Response.StatusCode != StatusCodes.Status200OK
            || http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true)
        {
            buffer.Position = 0;
            await buffer.CopyToAsync(body.Stream, http.RequestAborted);
            return null;
        }

        var headers = http.Response.Headers
            .Where(header => !headersBefore.Contains(header.Key) && !header.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(header => header.Key, header => header.Value, StringComparer.OrdinalIgnoreCase);
        var html = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var parts = token.Length == 0 ? [html] : html.Split(token);
        return new CachedPage(version, headers, [.. parts.Select(Encoding.UTF8.GetBytes)]);
    }

    /// <summary>A rendered page cut where its antiforgery token was, with the headers its rendering set.</summary>
    private sealed record CachedPage(long Version, IReadOnlyDictionary<string, StringValues> Headers, byte[][] Parts)
    {
        public IResult For(string token) => new Served(this, Encoding.UTF8.GetBytes(token));

        private sealed class Served(CachedPage page, byte[] token) : IResult
        {
            public async Task ExecuteAsync(HttpContext httpContext)
            {
                var response = httpContext.Response;
                foreach (var (name, value) in page.Headers)
                {
                    response.Headers[name] = value;
                }

                response.StatusCode = StatusCodes.Status200OK;
                response.ContentLength = page.Parts.Sum(part => (long)part.Length) + ((long)token.Length * (page.Parts.Length - 1));
                for (var i = 0; i < page.Parts.Length; i++)
                {
                    if (i > 0)
                    {
                        await response.Body.WriteAsync(token, httpContext.RequestAborted);
                    }

                    await response.Body.WriteAsync(page.Parts[i], httpContext.RequestAborted);
                }
            }
        }
    }
}
