using System.Globalization;

namespace O4O.Platform.Carts;

/// <summary>
/// A guest's cart in a cookie, <c>productId:quantity</c> pairs (<c>3:2.17:1</c>) until sign-in merges it into the
/// database. It holds no prices, so a changed cookie changes nothing but what is in the cart; anything malformed in
/// it is dropped rather than trusted.
/// </summary>
internal static class GuestCart
{
    public const string CookieName = "o4o_cart";

    public static List<(long ProductId, int Quantity)> Read(HttpRequest request)
    {
        var lines = new List<(long ProductId, int Quantity)>();
        foreach (var pair in (request.Cookies[CookieName] ?? "").Split('.', StringSplitOptions.RemoveEmptyEntries).Take(CartRules.MaxLines))
        {
            var parts = pair.Split(':');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var productId) && productId > 0
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) && quantity is > 0 and <= CartRules.MaxQuantity
                && lines.TrueForAll(line => line.ProductId != productId))
            {
                lines.Add((productId, quantity));
            }
        }

        return lines;
    }

    public static void Write(HttpResponse response, IEnumerable<(long ProductId, int Quantity)> lines)
    {
        var value = string.Join('.', lines.Select(line => string.Create(CultureInfo.InvariantCulture, $"{line.ProductId}:{line.Quantity}")));
        if (value.Length == 0)
        {
            Clear(response);
            return;
        }

        response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = response.HttpContext.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(30),
            IsEssential = true,
        });
    }

    public static void Clear(HttpResponse response) => response.Cookies.Delete(CookieName);
}
