using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using O4O.EndToEnd.Tests.Processes;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Dashboard;
using O4O.Recovery.Processes;

namespace O4O.EndToEnd.Tests.Dashboard;

public sealed partial class DashboardHttpTests
{
    [Fact]
    public async Task Nothing_is_shown_without_signing_in_and_actions_need_the_pages_csrf_token_and_are_recorded_with_who_did_them()
    {
        await using var up = await SupervisedUp.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{up.Up.DashboardPort}/") };
        await up.Up.WaitForOkAsync(anonymous, "/", TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/state")).StatusCode);
        Assert.DoesNotContain("csrf-token", await anonymous.GetStringAsync("/"));
        using var refused = await anonymous.PostAsync("sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "guess" }));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var admin = await up.SignedInAsync(admin: true);
        var jwt = admin.DefaultRequestHeaders.Authorization!.Parameter!;
        using var browser = await SignedInAsync(up, jwt);
        var page = await browser.GetStringAsync("/");
        var csrf = CsrfToken().Match(page).Groups[1].Value;
        using var forged = await browser.PostAsJsonAsync("api/auto-recovery", new { on = false });
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auto-recovery") { Content = JsonContent.Create(new { on = false }) };
        request.Headers.Add("X-CSRF-Token", csrf);
        using var off = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        var state = await browser.GetFromJsonAsync<JsonElement>("api/state");
        Assert.False(state.GetProperty("autoRecovery").GetProperty("enabled").GetBoolean());
        Assert.Equal(O4OProcess.AdminEmail, state.GetProperty("autoRecovery").GetProperty("changedBy").GetString());
        var events = await up.EventsAsync("dashboard");
        Assert.Contains(events, e => e.Actor == O4OProcess.AdminEmail && e.Seen == "dashboard: POST /api/auto-recovery");
    }

    [Fact]
    public async Task The_dashboard_answers_and_shows_the_platform_down_while_it_is_down()
    {
        await using var up = await SupervisedUp.StartAsync();
        using var browser = await SignedInAsync(up, OperatorToken.LoadOrCreate(up.Home));
        using var control = up.Control();
        await control.SetAutoRecoveryAsync(enabled: false, "e2e-operator");
        Assert.True(UnixProcess.Signal(up.PlatformPid, UnixProcess.SigKill));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        JsonElement api;
        do
        {
            await Task.Delay(300);
            var state = await browser.GetFromJsonAsync<JsonElement>("api/state");
            api = state.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "api");
        }
        while (api.GetProperty("status").GetString() != "down" && DateTime.UtcNow < deadline);

        Assert.Equal(("down", "Down"), (api.GetProperty("status").GetString(), api.GetProperty("state").GetString()));
        Assert.Contains("operator", await browser.GetStringAsync("/"));
    }

    internal static async Task<HttpClient> SignedInAsync(SupervisedUp up, string token)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{up.Up.DashboardPort}/"),
        };
        // The conductor starts its dashboard a moment after the platform answers.
        await up.Up.WaitForOkAsync(client, "/", TimeSpan.FromSeconds(15));
        using var signIn = await client.PostAsync("sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains("httponly", signIn.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", signIn.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        return client;
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([^"]+)">""")]
    private static partial Regex CsrfToken();

}
