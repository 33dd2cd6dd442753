namespace O4O.Platform.Web;

/// <summary>The <c>Shop</c> section: how the storefront and the console show the shop's money.</summary>
public sealed class ShopOptions
{
    public const string Section = "Shop";

    /// <summary>The ISO 4217 code of the prices' currency (<c>KRW</c>, <c>USD</c>, <c>EUR</c>, …).</summary>
    public string Currency { get; set; } = "KRW";
}
