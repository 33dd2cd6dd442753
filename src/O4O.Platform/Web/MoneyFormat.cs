using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace O4O.Platform.Web;

/// <summary>
/// Money as the page's culture writes it, in the shop's currency (<see cref="ShopOptions.Currency"/>) with that
/// currency's symbol and minor unit: <c>₩12,900</c> (the won has none), <c>$12.90</c>. The symbol and the minor unit
/// come from the culture of the currency's own country (ko-KR for KRW), the separators and the pattern from the page's.
/// </summary>
public sealed class MoneyFormat
{
    private readonly string _symbol;
    private readonly int _digits;
    private readonly ConcurrentDictionary<(string Culture, int Digits), NumberFormatInfo> _formats = new();

    public MoneyFormat(IOptions<ShopOptions> options) =>
        (_symbol, _digits) = Describe(options.Value.Currency) ?? throw new InvalidOperationException($"Unknown currency {options.Value.Currency}.");

    public string Show(decimal amount)
    {
        // An amount finer than the currency's minor unit (a price typed as 18.50 in won) is shown as stored, never rounded away.
        var digits = decimal.Round(amount, _digits) == amount ? _digits : Math.Max(_digits, amount.Scale);
        var culture = CultureInfo.CurrentCulture;
        return amount.ToString("C", _formats.GetOrAdd((culture.Name, digits), key =>
        {
            var format = (NumberFormatInfo)culture.NumberFormat.Clone();
            format.CurrencySymbol = _symbol;
            format.CurrencyDecimalDigits = key.Digits;
            return NumberFormatInfo.ReadOnly(format);
        }));
    }

    /// <summary>The symbol and minor unit of an ISO 4217 code, or null for a code no culture uses.</summary>
    public static (string Symbol, int Digits)? Describe(string? code)
    {
        if (code is not { Length: 3 } || !code.All(char.IsAsciiLetterUpper))
        {
            return null;
        }

        var home = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Select(culture => (Culture: culture, Region: RegionOf(culture)))
            .Where(pair => pair.Region?.ISOCurrencySymbol == code)
            .OrderByDescending(pair => pair.Region!.TwoLetterISORegionName == code[..2])
            .ThenBy(pair => pair.Culture.Name, StringComparer.Ordinal)
            .Select(pair => pair.Culture)
            .FirstOrDefault();
        return home is null ? null : (home.NumberFormat.CurrencySymbol, home.NumberFormat.CurrencyDecimalDigits);
    }

    private static RegionInfo? RegionOf(CultureInfo culture)
    {
        try
        {
            return new RegionInfo(culture.Name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
