using System.Net;
using System.Text.RegularExpressions;

namespace O4O.Platform.Tests.Web;

/// <summary>A customer in the storefront's pages: signed in with the form, filling the cart and checking out as a browser would.</summary>
internal sealed partial class Shopper(ConsoleSession session) : IDisposable
{
    public const string Password = "customer-password-1";

    public ConsoleSession Session => session;

    public HttpClient Client => session.Client;

    public static async Task<Shopper> SignedInAsync(PlatformFactory platform, bool followRedirects = true)
    {
        var (email, password) = await platform.RegisterCustomerAsync();
        var shopper = new Shopper(ConsoleSession.Open(platform, followRedirects));
        var response = await shopper.SignInAsync(email, password);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{email} signs in: {response.StatusCode}");
        return shopper;
    }

    public Task<HttpResponseMessage> SignInAsync(string email, string password, string returnUrl = "/") =>
        session.PostFormAsync("/login", "/login", new() { ["email"] = email, ["password"] = password, ["returnUrl"] = returnUrl });

    public Task<HttpResponseMessage> AddAsync(long productId, int quantity) =>
        session.PostFormAsync($"/products/{productId}", "/cart/items", new() { ["productId"] = $"{productId}", ["quantity"] = $"{quantity}" });

    /// <summary>The checkout form's hidden fields as the page rendered them (antiforgery token, idempotency key) and a valid address.</summary>
    public async Task<Dictionary<string, string>> CheckoutFormAsync(string page = "/checkout")
    {
        var html = await Client.GetStringAsync(page);
        var fields = HiddenField().Matches(html).DistinctBy(match => match.Groups["name"].Value).ToDictionary(match => match.Groups["name"].Value, match => WebUtility.HtmlDecode(match.Groups["value"].Value));
        Assert.True(fields.ContainsKey("idempotencyKey"), html);
        fields["recipient"] = "김민지";
        fields["phone"] = "010-1234-5678";
        fields["postalCode"] = "06236";
        fields["address"] = "서울특별시 강남구 테헤란로 152";
        fields["addressDetail"] = "12층 1203호";
        fields["deliveryNote"] = "문 앞에 놓아 주세요.";
        return fields;
    }

    public Task<HttpResponseMessage> PostCheckoutAsync(Dictionary<string, string> fields) =>
        Client.PostAsync("/checkout", new FormUrlEncodedContent(fields));

    /// <summary>Checks the cart out with a valid address and returns the order's id from the confirmation's address.</summary>
    public async Task<long> CheckOutAsync()
    {
        var response = await PostCheckoutAsync(await CheckoutFormAsync());
        return OrderIdOf(response);
    }

    public static long OrderIdOf(HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? response.RequestMessage!.RequestUri!;
        var match = OrderPath().Match(location.OriginalString);
        Assert.True(match.Success, $"{response.StatusCode} at {location}");
        return long.Parse(match.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => session.Dispose();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenField();

    [GeneratedRegex(@"/orders/(?<id>\d+)\?placed=true$")]
    private static partial Regex OrderPath();
}
