using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using O4O.Platform.Http;

namespace O4O.Platform.Orders;

internal static class OrderRules
{
    public const int MaxItems = 100;
    public const int MaxQuantity = 10_000;
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>
    /// Validates the request and merges repeated products, in product-id order (the order rows are locked in); the
    /// shipping address, if any, comes back validated in <paramref name="shipping"/>.
    /// </summary>
    public static SortedDictionary<long, int> Validate(OrderRequest request, string? idempotencyKey, FieldErrors errors, out Shipping? shipping)
    {
        shipping = ShippingRules.Validate(request.Shipping, errors);
        var lines = new SortedDictionary<long, int>();
        errors.When(idempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength } || !InputText.IsClean(idempotencyKey), "Idempotency-Key",
            $"The Idempotency-Key header must be 1 to {MaxIdempotencyKeyLength} printable characters.");
        if (request.Items is not { Count: > 0 and <= MaxItems } items)
        {
            errors.Add("items", $"items must hold 1 to {MaxItems} entries.");
            return lines;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                errors.Add($"items[{i}]", "An item is required.");
                continue;
            }

            errors.When(item.ProductId is null or < 1, $"items[{i}].productId", "productId is required.");
            errors.When(item.Quantity is null or < 1 or > MaxQuantity, $"items[{i}].quantity", $"quantity must be between 1 and {MaxQuantity}.");
            if (item is { ProductId: { } productId and > 0, Quantity: { } quantity and > 0 and <= MaxQuantity })
            {
                lines[productId] = lines.GetValueOrDefault(productId) + quantity;
            }
        }

        errors.When(lines.Values.Any(total => total > MaxQuantity), "items", $"The total quantity of one product must be at most {MaxQuantity}.");
        return lines;
    }

    /// <summary>
    /// The SHA-256 of the canonical request, the validated lines (merged, in product-id order) under the endpoint's
    /// name: the same order written in another order, spacing or with a product split over two items hashes alike.
    /// The validated shipping address follows when there is one (as JSON, so no field can run into the next): a retry
    /// with another address is another request. Without one the hash is what it was before addresses, so orders
    /// placed then still replay.
    /// </summary>
    public static byte[] RequestHash(SortedDictionary<long, int> lines, Shipping? shipping)
    {
        var canonical = new StringBuilder("POST /api/v1/orders\n");
        foreach (var (productId, quantity) in lines)
        {
            canonical.Append(CultureInfo.InvariantCulture, $"{productId} {quantity}\n");
        }

        if (shipping is not null)
        {
            canonical.Append("shipping ").Append(JsonSerializer.Serialize(shipping)).Append('\n');
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
    }
}
