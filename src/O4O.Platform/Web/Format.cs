using System.Globalization;

namespace O4O.Platform.Web;

/// <summary>How the pages show numbers: invariant, so a Korean server locale does not change the storefront.</summary>
public static class Format
{
    public static string Money(decimal amount) => amount.ToString("#,0.00", CultureInfo.InvariantCulture);

    public static string Stock(int stock) => stock > 0 ? string.Create(CultureInfo.InvariantCulture, $"{stock} in stock") : "Sold out";
}
