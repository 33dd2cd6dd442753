using System.Globalization;
using O4O.Platform.Web.Resources;

namespace O4O.Platform.Web;

/// <summary>How the pages show numbers and times: invariant, so a Korean server locale does not change them (money: <see cref="MoneyFormat"/>).</summary>
public static class Format
{
    /// <summary>A price as a form field holds it: no thousands separator, so it reads back as typed.</summary>
    public static string Plain(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>At most this many in stock reads as "3 left": a nudge, where a larger count is only information.</summary>
    public const int FewLeft = 5;

    public static string Stock(int stock) => stock switch
    {
        <= 0 => Text.SoldOut,
        <= FewLeft => Text.Get(Text.FewLeft, stock),
        _ => Text.Get(Text.InStock, stock),
    };

    /// <summary>The class of a stock line: sold out in the danger colour, few left in the warning one.</summary>
    public static string StockClass(int stock) => stock switch
    {
        <= 0 => "stock sold-out",
        <= FewLeft => "stock few-left",
        _ => "stock",
    };

    /// <summary>A UTC time as <c>2026-11-26 06:30 UTC</c>: operators compare it with logs, which are in UTC.</summary>
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
