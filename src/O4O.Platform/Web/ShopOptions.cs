namespace O4O.Platform.Web;

/// <summary>The <c>Shop</c> section: how the storefront and the console show the shop's money, and when its stock is low.</summary>
public sealed class ShopOptions
{
    public const string Section = "Shop";

    /// <summary>The ISO 4217 code of the prices' currency (<c>KRW</c>, <c>USD</c>, <c>EUR</c>, …).</summary>
    public string Currency { get; set; } = "KRW";

    /// <summary>A product with this many or fewer in stock is listed as running out on the console's overview.</summary>
    public int LowStockThreshold { get; set; } = 5;
}
