using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace O4O.Platform.Web;

/// <summary>
/// English or Korean pages: <c>?lang=ko</c> chooses and remembers the language in a cookie, else the cookie, else
/// the browser's Accept-Language. Numbers stay invariant (<see cref="Format"/>); money follows the page's culture (<see cref="MoneyFormat"/>).
/// </summary>
public static class Languages
{
    public const string QueryKey = "lang";

    private static readonly string[] _supported = ["en", "ko"];

    public static IApplicationBuilder UseWebLanguages(this IApplicationBuilder app)
    {
        var options = new RequestLocalizationOptions()
            .SetDefaultCulture(_supported[0])
            .AddSupportedCultures(_supported)
            .AddSupportedUICultures(_supported);
        options.RequestCultureProviders =
        [
            new QueryStringRequestCultureProvider { QueryStringKey = QueryKey, UIQueryStringKey = QueryKey },
            new CookieRequestCultureProvider(),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
        // The API speaks JSON with invariant numbers and English problem details: only pages have a language.
        return app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api"), pages => pages
            .UseRequestLocalization(options)
            .Use(RememberChosenLanguage));
    }

    /// <summary>The two-letter code of the page's language, for <c>&lt;html lang&gt;</c>.</summary>
    public static string Current => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;

    private static Task RememberChosenLanguage(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Query[QueryKey].ToString() is { Length: > 0 } chosen && _supported.Contains(chosen))
        {
            context.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
        }

        return next(context);
    }
}
