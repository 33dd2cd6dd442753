using System.Net.Http.Json;
using System.Text.Json;

namespace O4O.Platform.Tests.Orders;

internal static class OrderRequests
{
    /// <summary>The body of <c>POST /api/v1/orders</c>.</summary>
    public static object Items(params (long ProductId, int Quantity)[] items) =>
        new { items = items.Select(i => new { productId = i.ProductId, quantity = i.Quantity }) };

    public static async Task<long> IdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
}
