using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace O4O.EndToEnd.Tests.Browser;

/// <summary>An order's way from the customer's checkout to the parcel, with the customer and the admin each in a browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ShopOrderWorkflowTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_double_click_on_Place_order_places_one_order_the_admin_ships_it_and_the_customer_sees_the_parcel()
    {
        var email = $"parcel.{Guid.NewGuid():N}@example.com";
        using var api = await browser.CustomerAsync(email, "Customer-password-1");
        var customer = await browser.NewPageAsync();
        await customer.GotoAsync("/login");
        await customer.GetByLabel("Email").FillAsync(email);
        await customer.GetByLabel("Password").FillAsync("Customer-password-1");
        await customer.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await customer.GotoAsync("/products/4");
        await customer.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await customer.GetByRole(AriaRole.Button, new() { Name = "Checkout" }).ClickAsync();
        await customer.GetByLabel("Recipient").FillAsync("Park Junho");
        await customer.GetByLabel("Phone").FillAsync("010-9876-5432");
        await customer.GetByLabel("Postal code").FillAsync("48058");
        await customer.GetByLabel("Address", new() { Exact = true }).FillAsync("55 Haeundae-ro, Busan");
        await customer.GetByLabel("Address detail").FillAsync("301");

        await customer.GetByRole(AriaRole.Button, new() { Name = "Place order" }).DblClickAsync();
        await customer.WaitForURLAsync("**/orders/*");

        var orders = await api.GetFromJsonAsync<JsonElement>("api/v1/orders");
        var order = Assert.Single(orders.GetProperty("items").EnumerateArray());
        var id = order.GetProperty("id").GetInt64();

        var admin = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(admin, $"/admin/orders/{id}");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Mark paid" }).ClickAsync();
        await admin.GetByLabel("Courier").FillAsync("CJ Logistics");
        await admin.GetByLabel("Tracking number").FillAsync("6543-2109-8765");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Ship" }).ClickAsync();
        await Assertions.Expect(admin.Locator("main")).ToContainTextAsync("6543-2109-8765");

        await customer.GotoAsync($"/orders/{id}");
        await Assertions.Expect(customer.Locator("main")).ToContainTextAsync("Shipped");
        await Assertions.Expect(customer.Locator("main")).ToContainTextAsync("CJ Logistics");
        await Assertions.Expect(customer.Locator("main")).ToContainTextAsync("6543-2109-8765");
        await Assertions.Expect(customer.GetByRole(AriaRole.Button, new() { Name = "Cancel order" })).ToHaveCountAsync(0);
    }
}
