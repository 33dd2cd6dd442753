using System.Diagnostics.Metrics;

namespace O4O.Platform.Orders;

/// <summary>The orders feature's own numbers, exported on <c>/metrics</c> beside the framework's.</summary>
internal sealed class OrderMetrics
{
    /// <summary>The meter the platform's metrics export listens to.</summary>
    public const string MeterName = "O4O.Platform.Orders";

    private readonly Counter<long> _placed;

    public OrderMetrics(IMeterFactory meters) =>
        _placed = meters.Create(MeterName).CreateCounter<long>("o4o.orders.placed", "{order}",
            "Orders committed; a replayed Idempotency-Key and a refused order are not counted.");

    /// <summary>Called after the commit: an order rolled back, or lost with its connection, was never placed.</summary>
    public void Placed() => _placed.Add(1);
}
