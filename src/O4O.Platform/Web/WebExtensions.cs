using System.Text.Encodings.Web;
using System.Text.Unicode;
using O4O.Platform.Auth;
using O4O.Platform.Web.Account;
using O4O.Platform.Web.Admin;
using O4O.Platform.Web.Shop;
using O4O.Recovery.Http;

namespace O4O.Platform.Web;

/// <summary>The server-rendered pages: storefront at <c>/</c> with the customers' sign-in, admin console at <c>/admin</c>.</summary>
public static class WebExtensions
{
    // Operators check the pages with `curl -I`: every page answers HEAD as well as GET.
    private static readonly string[] _getOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static IServiceCollection AddWeb(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddOptions<ShopOptions>()
            .BindConfiguration(ShopOptions.Section)
            .Validate(options => MoneyFormat.Describe(options.Currency) is not null,
                "Shop:Currency must be an ISO 4217 currency code such as KRW, USD or EUR.")
            .Validate(options => options.LowStockThreshold >= 0, "Shop:LowStockThreshold must be 0 or more.")
            .ValidateOnStart();
        services.AddSingleton<MoneyFormat>();
        services.AddSingleton<AdminCatalogue>();
        services.AddSingleton<StorefrontPageCache>();
        // Korean text as text, not as &#xC0C1; entities: the pages are served as UTF-8.
        services.AddWebEncoders(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return services;
    }

    /// <summary>
    /// Any request that may write (every method but GET, HEAD and OPTIONS), answered or not, makes the storefront's
    /// cached pages stale, before it runs and again after: no path that changes a product, its stock or a category can
    /// be forgotten, and a page rendered while the write ran is not served after it.
    /// </summary>
    public static IApplicationBuilder UseStorefrontPageCache(this IApplicationBuilder app)
    {
        var cache = app.ApplicationServices.GetRequiredService<StorefrontPageCache>();
        return app.Use(async (context, next) =>
        {
            var method = context.Request.Method;
            if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
            {
                await next(context);
                return;
            }

            cache.Invalidate();
            try
            {
                await next(context);
            }
            finally
            {
                cache.Invalidate();
            }
        });
    }

    public static IEndpointRouteBuilder MapWeb(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").ExcludeFromDescription();
        pages.MapMethods("/", _getOrHead, StorefrontPages.Home)
            .AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<StorefrontPageCache>().InvokeAsync(context, next));
        pages.MapMethods("/products/{id:long}", _getOrHead, StorefrontPages.Product);
        pages.MapMethods("/site.css", _getOrHead, SiteCss.Serve);
        pages.MapMethods("/register", _getOrHead, AccountPages.RegisterForm);
        pages.MapPost("/register", AccountPages.Register).RequireSignInLimit(AccountPages.Throttled(registering: true));
        pages.MapMethods("/login", _getOrHead, AccountPages.SignInForm);
        pages.MapPost("/login", AccountPages.SignIn).RequireSignInLimit(AccountPages.Throttled(registering: false));
        pages.MapPost("/logout", AccountPages.SignOut);
        pages.MapMethods("/cart", _getOrHead, CartPages.Show);
        pages.MapPost("/cart/items", CartPages.Add);
        pages.MapPost("/cart/items/{productId:long}", CartPages.Change);
        // A guest is sent to sign in and comes back here, their cart joined to the account's.
        var customer = pages.MapGroup("").RequireAuthorization(Policies.SignedIn);
        customer.MapMethods("/checkout", _getOrHead, CheckoutPages.Show);
        customer.MapPost("/checkout", CheckoutPages.Place);
        customer.MapMethods("/orders", _getOrHead, OrderPages.Mine);
        customer.MapMethods("/orders/{id:long}", _getOrHead, OrderPages.Detail);
        customer.MapPost("/orders/{id:long}/cancel", OrderPages.Cancel);

        var admin = app.MapGroup("/admin").ExcludeFromDescription();
        admin.MapMethods("", _getOrHead, AdminOverviewPage.Show).RequireAuthorization(Policies.Admin);
        admin.MapMethods("/login", _getOrHead, AdminPages.LoginForm);
        admin.MapPost("/login", AdminPages.SignIn).RequireSignInLimit(AdminPages.SignInThrottled);
        admin.MapPost("/logout", AdminPages.SignOut);
        admin.MapConsole(_getOrHead);
        return app;
    }
}
