using O4O.Tests.Shared;

namespace O4O.Platform.Tests.Web;

public sealed class MoneyTests(ManagedPostgresFixture postgres) : PlatformTest(postgres)
{
    [Fact]
    public async Task Prices_are_in_won_by_default_without_a_minor_unit_in_English_and_in_Korean()
    {
        var kettle = await Platform.CreateProductAsync(stock: 3, price: 12900m);
        using var visitor = Platform.CreateClient();

        var english = await visitor.GetStringAsync($"/products/{kettle}?lang=en");
        var korean = await visitor.GetStringAsync($"/products/{kettle}?lang=ko");

        Assert.Contains("<p class=\"price large\">₩12,900</p>", english, StringComparison.Ordinal);
        Assert.Contains("<p class=\"price large\">₩12,900</p>", korean, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_price_finer_than_the_currency_allows_is_shown_as_stored_not_rounded()
    {
        var tea = await Platform.CreateProductAsync(stock: 3, price: 18.5m);
        using var visitor = Platform.CreateClient();

        var html = await visitor.GetStringAsync($"/products/{tea}");

        Assert.Contains("<p class=\"price large\">₩18.50</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_currency_is_shown_with_its_own_symbol_and_minor_unit()
    {
        await using var dollars = new PlatformFactory(await Postgres.CreateDatabaseAsync("dollars"), settings: new Dictionary<string, string?>
        {
            ["Shop:Currency"] = "USD",
        });
        var mug = await dollars.CreateProductAsync(stock: 3, price: 1234.5m);
        using var visitor = dollars.CreateClient();

        var html = await visitor.GetStringAsync($"/products/{mug}");

        Assert.Contains("<p class=\"price large\">$1,234.50</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_currency_stops_the_platform_at_start_naming_the_setting()
    {
        await using var unknown = new PlatformFactory(await Postgres.CreateDatabaseAsync("unknown"), settings: new Dictionary<string, string?>
        {
            ["Shop:Currency"] = "WON",
        });

        Assert.ThrowsAny<Exception>(() => unknown.Server);

        Assert.Contains("Shop:Currency must be an ISO 4217 currency code", unknown.ReadLog("error.log"), StringComparison.Ordinal);
    }
}
