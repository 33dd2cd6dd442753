using System.Text.RegularExpressions;
using O4O.Platform.Http;

namespace O4O.Platform.Orders;

/// <summary>
/// The statuses an order moves through and the legal steps between them:
/// <code>
/// placed    → paid, cancelled
/// paid      → shipped, cancelled, refunded
/// shipped   → delivered, refunded
/// delivered → refunded
/// </code>
/// Cancelling calls an order off before it leaves (placed or paid); refunding gives the money back once paid, and
/// after shipping means the goods came back. Both return the stock. Cancelled and refunded are final.
/// </summary>
internal static partial class OrderWorkflow
{
    public const string Placed = "placed";
    public const string Paid = "paid";
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";
    public const string Cancelled = "cancelled";
    public const string Refunded = "refunded";

    public const int MaxCourier = 50;
    public const int MaxTrackingNumber = 50;
    public const int MaxNote = 500;

    /// <summary>Every status, in the order an order moves through them.</summary>
    public static readonly IReadOnlyList<string> Statuses = [Placed, Paid, Shipped, Delivered, Cancelled, Refunded];

    private static readonly Dictionary<string, string[]> _next = new(StringComparer.Ordinal)
    {
        [Placed] = [Paid, Cancelled],
        [Paid] = [Shipped, Cancelled, Refunded],
        [Shipped] = [Delivered, Refunded],
        [Delivered] = [Refunded],
        [Cancelled] = [],
        [Refunded] = [],
    };

    /// <summary>The statuses an order in <paramref name="status"/> may move to, in workflow order.</summary>
    public static IReadOnlyList<string> NextSteps(string status) => _next.GetValueOrDefault(status) ?? [];

    public static bool IsLegal(string from, string to) => NextSteps(from).Contains(to, StringComparer.Ordinal);

    /// <summary>Whether moving to <paramref name="status"/> puts the order's goods back on the shelf.</summary>
    public static bool ReturnsStock(string status) => status is Cancelled or Refunded;

    /// <summary>Whether the customer may still call the order off themselves.</summary>
    public static bool CustomerMayCancel(string status) => IsLegal(status, Cancelled);

    /// <summary>
    /// Validates a status change: a status other than placed; a courier and tracking number exactly when shipping
    /// (a parcel without them cannot be followed; given with another status they would be silently dropped).
    /// </summary>
    public static StatusChange? Validate(OrderStatusRequest request, FieldErrors errors)
    {
        var status = request.Status?.Trim();
        errors.When(status is null || status == Placed || !Statuses.Contains(status, StringComparer.Ordinal), "status",
            $"status is required: one of {string.Join(", ", Statuses.Where(s => s != Placed))}.");
        var courier = request.Courier?.Trim();
        var tracking = request.TrackingNumber?.Trim();
        var note = request.Note?.Trim();
        if (status == Shipped)
        {
            errors.When(string.IsNullOrEmpty(courier) || courier.Length > MaxCourier || !InputText.IsClean(courier), "courier",
                $"courier is required when shipping: 1 to {MaxCourier} characters, without control characters.");
            errors.When(string.IsNullOrEmpty(tracking) || tracking.Length > MaxTrackingNumber || !TrackingPattern().IsMatch(tracking), "trackingNumber",
                $"trackingNumber is required when shipping: 1 to {MaxTrackingNumber} letters, digits or hyphens.");
        }
        else
        {
            errors.When(!string.IsNullOrEmpty(courier), "courier", "courier is only given when the status is shipped.");
            errors.When(!string.IsNullOrEmpty(tracking), "trackingNumber", "trackingNumber is only given when the status is shipped.");
        }

        errors.When(note?.Length > MaxNote || !InputText.IsClean(note, multiline: true), "note",
            $"note must be at most {MaxNote} characters, without control characters other than line breaks and tabs.");
        return errors.IsEmpty
            ? new StatusChange(status!, status == Shipped ? courier : null, status == Shipped ? tracking : null, string.IsNullOrEmpty(note) ? null : note)
            : null;
    }

    [GeneratedRegex("^[A-Za-z0-9-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TrackingPattern();
}

/// <summary>A validated request to move an order to <paramref name="Status"/>.</summary>
internal sealed record StatusChange(string Status, string? Courier, string? TrackingNumber, string? Note);
