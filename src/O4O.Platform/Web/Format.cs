using System.Globalization;
using O4O.Platform.Web.Resources;

namespace O4O.Platform.Web;

/// <summary>How the pages show numbers and times: invariant, so a Korean server locale does not change them (money: <see cref="MoneyFormat"/>).</summary>
public static class Format
{
    /// <summary>A price as a form field holds it: no thousands separator, so it reads back as typed.</summary>
    public static string Plain(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Stock(int stock) => stock > 0 ? Text.Get(Text.InStock, stock) : Text.SoldOut;

    /// <summary>A UTC time as <c>2026-11-26 06:30 UTC</c>: operators compare it with logs, which are in UTC.</summary>
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
