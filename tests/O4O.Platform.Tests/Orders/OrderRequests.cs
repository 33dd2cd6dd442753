using System.Net.Http.Json;
using System.Text.Json;

namespace O4O.Platform.Tests.Orders;

internal static class OrderRequests
{
    /// <summary>A valid Korean-style address for the <c>shipping</c> object of an order.</summary>
    public static readonly object Address = new
    {
        recipient = "홍길동",
        phone = "010-1234-5678",
        postalCode = "06236",
        address = "서울특별시 강남구 테헤란로 152",
        addressDetail = "12층",
        deliveryNote = "문 앞에 놓아 주세요",
    };

    /// <summary>The body of <c>POST /api/v1/orders</c>.</summary>
    public static object Items(params (long ProductId, int Quantity)[] items) =>
        new { items = items.Select(i => new { productId = i.ProductId, quantity = i.Quantity }) };

    /// <summary>The body of <c>POST /api/v1/orders</c> with a shipping address.</summary>
    public static object ShippedTo(object shipping, params (long ProductId, int Quantity)[] items) =>
        new { items = items.Select(i => new { productId = i.ProductId, quantity = i.Quantity }), shipping };

    public static async Task<long> IdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

    /// <summary>Places an order of <paramref name="quantity"/> of one product and returns its id.</summary>
    public static async Task<long> PlaceAsync(HttpClient customer, long productId, int quantity) =>
        await IdAsync(await customer.PostAsJsonAsync("/api/v1/orders", ShippedTo(Address, (productId, quantity))));

    /// <summary>Sends <c>PATCH /api/v1/orders/{id}/status</c>.</summary>
    public static Task<HttpResponseMessage> MoveAsync(HttpClient admin, long orderId, string status, string? courier = null, string? trackingNumber = null) =>
        admin.PatchAsJsonAsync($"/api/v1/orders/{orderId}/status", new { status, courier, trackingNumber });
}
