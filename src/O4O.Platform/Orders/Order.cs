using System.Text.Json.Serialization;

namespace O4O.Platform.Orders;

public sealed record OrderLine(long ProductId, string ProductName, int Quantity, decimal UnitPrice);

/// <summary>Where the parcel goes: a Korean-style address (5-digit postal code, road address, detail).</summary>
public sealed record Shipping(string Recipient, string Phone, string PostalCode, string Address, string? AddressDetail, string? DeliveryNote);

/// <summary>One change of an order's status: who made it (their email as it was then) and when.</summary>
public sealed record OrderStatusChange(string Status, DateTime At, string? Actor, string? Note)
{
    /// <summary>The account that made the change, for telling a customer's own steps from the shop's.</summary>
    [JsonIgnore]
    public long? ActorId { get; init; }
}

public sealed record Order(
    long Id,
    long UserId,
    string Status,
    decimal Total,
    DateTime CreatedAt,
    IReadOnlyList<OrderLine> Items,
    Shipping? Shipping,
    string? Courier,
    string? TrackingNumber,
    IReadOnlyList<OrderStatusChange> History)
{
    /// <summary>
    /// The order as its customer sees it: the shop's staff are not named (an admin's email is an address to attack),
    /// their own steps are.
    /// </summary>
    public Order ForCustomer() => this with
    {
        History = History.Select(change => change.ActorId == UserId ? change : change with { Actor = null }).ToList(),
    };
}

/// <summary>The body of <c>POST /api/v1/orders</c>.</summary>
public sealed record OrderRequest(IReadOnlyList<OrderRequestItem>? Items, ShippingRequest? Shipping = null);

public sealed record OrderRequestItem(long? ProductId, int? Quantity);

/// <summary>The optional <c>shipping</c> object of an order request, as sent.</summary>
public sealed record ShippingRequest(
    string? Recipient, string? Phone, string? PostalCode, string? Address, string? AddressDetail, string? DeliveryNote);

/// <summary>The body of <c>PATCH /api/v1/orders/{id}/status</c>.</summary>
public sealed record OrderStatusRequest(string? Status, string? Courier, string? TrackingNumber, string? Note);
