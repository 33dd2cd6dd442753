using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using O4O.Platform.Web.Components;
using O4O.Recovery.Verification;

namespace O4O.Platform.Web.Admin;

public sealed record AdminCounts(long Users, long Products, long Orders);

/// <summary>One day of sales: the day in the shop's time zone, what it sold and in how many orders.</summary>
public sealed record SalesDay(DateOnly Day, decimal Sales, long Orders);

public sealed record StatusCount(string Status, long Orders);

public sealed record LowStockProduct(long Id, string Sku, string Name, int Stock);

/// <summary>What the console's first page shows; <see cref="Days"/> ends with today.</summary>
public sealed record AdminOverviewData(
    AdminCounts Counts,
    IReadOnlyList<SalesDay> Days,
    IReadOnlyList<StatusCount> Statuses,
    IReadOnlyList<LowStockProduct> LowStock,
    long LowStockCount,
    int LowStockThreshold,
    string TimeZone);

/// <summary>
/// The overview: counts, sales per day over the last week, orders per status and the products running out, read in
/// one round trip. Days are the server's local days (<see cref="TimeProvider.LocalTimeZone"/>), the shop's own,
/// whatever time zone the database session has.
/// </summary>
internal static class AdminOverviewPage
{
    public const int ChartDays = 7;
    private const int LowStockShown = 20;

    /// <summary>Orders that took no money, or gave it back: not sales.</summary>
    private const string NotSales = "('cancelled', 'refunded')";

    private static readonly string _sql = $"""
        SELECT (SELECT count(*) FROM users WHERE lower(email) <> lower(@smokeTest)) AS users,
               (SELECT count(*) FROM products) AS products, (SELECT count(*) FROM orders) AS orders;
        SELECT coalesce(sum(o.total), 0) AS sales, count(o.id) AS orders
        FROM unnest(@starts::timestamptz[], @ends::timestamptz[]) WITH ORDINALITY AS d (start, finish, n)
        LEFT JOIN orders o ON o.created_at >= d.start AND o.created_at < d.finish AND o.status NOT IN {NotSales}
        GROUP BY d.n ORDER BY d.n;
        SELECT status, count(*) AS orders FROM orders GROUP BY status ORDER BY orders DESC, status;
        SELECT id, sku, name, stock FROM products WHERE stock <= @threshold ORDER BY stock, name, id LIMIT {LowStockShown};
        SELECT count(*) FROM products WHERE stock <= @threshold;
        """;

    public static async Task<RazorComponentResult<AdminOverview>> Show(
        NpgsqlDataSource dataSource, IOptions<ShopOptions> shop, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var zone = time.LocalTimeZone;
        var today = DateOnly.FromDateTime(time.GetLocalNow().DateTime);
        var days = Enumerable.Range(0, ChartDays).Select(i => today.AddDays(i - ChartDays + 1)).ToArray();
        var threshold = shop.Value.LowStockThreshold;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The smoke-test account o4o verify signs in with is nobody's: it is not counted among the shop's users.
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(_sql, new
        {
            smokeTest = SmokeTestAccount.Email,
            starts = days.Select(day => StartOf(day, zone)).ToArray(),
            ends = days.Select(day => StartOf(day.AddDays(1), zone)).ToArray(),
            threshold,
        }, cancellationToken: cancellationToken));
        var counts = await results.ReadSingleAsync<AdminCounts>();
        var sales = (await results.ReadAsync<(decimal Sales, long Orders)>()).ToList();
        var statuses = (await results.ReadAsync<StatusCount>()).AsList();
        var lowStock = (await results.ReadAsync<LowStockProduct>()).AsList();
        var lowStockCount = await results.ReadSingleAsync<long>();

        return new RazorComponentResult<AdminOverview>(new
        {
            Overview = new AdminOverviewData(
                counts,
                days.Select((day, i) => new SalesDay(day, sales[i].Sales, sales[i].Orders)).ToList(),
                statuses,
                lowStock,
                lowStockCount,
                threshold,
                zone.Id),
            Email = context.User.Identity?.Name,
        });
    }

    /// <summary>The UTC instant a local day starts; where a clock change skips midnight, the first hour that exists.</summary>
    private static DateTime StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddMinutes(30);
        }

        return TimeZoneInfo.ConvertTimeToUtc(midnight, zone);
    }
}
