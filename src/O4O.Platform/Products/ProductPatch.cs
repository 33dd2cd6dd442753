using System.Text.Json;
using O4O.Platform.Http;

namespace O4O.Platform.Products;

/// <summary>
/// <c>PATCH /api/v1/products/{id}</c>: the fields present replace the product's, the rest stay; <c>"categoryId": null</c>
/// takes the product out of its category, which a typed body could not tell from a missing field.
/// </summary>
internal static class ProductPatch
{
    public static ProductInput Apply(Product current, JsonElement body, FieldErrors errors)
    {
        var input = new ProductInput(current.Sku, current.Name, current.Description, current.Price, current.Stock, current.CategoryId);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "The body must be a JSON object of the fields to change.");
            return input;
        }

        foreach (var field in body.EnumerateObject())
        {
            var value = field.Value;
            switch (field.Name)
            {
                case "sku":
                    input = input with { Sku = Text(value, field.Name, errors) };
                    break;
                case "name":
                    input = input with { Name = Text(value, field.Name, errors) };
                    break;
                case "description":
                    input = input with { Description = Text(value, field.Name, errors) };
                    break;
                case "price":
                    input = input with { Price = value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var price) ? price : null };
                    break;
                case "categoryId":
                    input = input with { CategoryId = CategoryId(value) };
                    break;
                case "stock":
                    errors.Add("stock", "stock changes through POST /api/v1/products/{id}/stock-adjustments, with a reason.");
                    break;
                default:
                    errors.Add(field.Name, $"{field.Name} is not a field of a product that can be changed.");
                    break;
            }
        }

        return input;
    }

    /// <summary>null for none; -1, which the rules refuse, for anything that is not a whole number.</summary>
    private static long? CategoryId(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetInt64(out var id) => id,
        _ => -1,
    };

    private static string? Text(JsonElement value, string field, FieldErrors errors)
    {
        errors.When(value.ValueKind != JsonValueKind.String, field, $"{field} must be a string.");
        return value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
