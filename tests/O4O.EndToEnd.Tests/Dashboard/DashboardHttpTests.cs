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
    public async Task A_dashboard_port_in_use_is_said_on_the_console_and_the_shop_is_supervised_without_it()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string> { ["O4O__Dashboard__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        // The platform answers before the conductor tries the dashboard: wait for the banner.
        var warning = $"WARNING: the dashboard is not served on 127.0.0.1:{port}: ";
        for (var tries = 0; tries < 100 && !up.Up.Output.Contains("Press Ctrl+C to stop.", StringComparison.Ordinal); tries++)
        {
            await Task.Delay(200);
        }

        Assert.True(up.Up.Output.Contains(warning, StringComparison.Ordinal), up.Up.Output);
        Assert.Equal(0, (await up.CliAsync("status")).ExitCode);
    }

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
    public async Task The_dashboard_answers_and_shows_the_platform_down_while_it_is_down_with_the_incident_titled_in_the_readers_language()
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
        var notifications = (await browser.GetFromJsonAsync<JsonElement>("api/state")).GetProperty("notifications");
        Assert.True(notifications.GetProperty("noneConfigured").GetBoolean());
        Assert.Equal("ops", notifications.GetProperty("missingChannels")[0].GetString());
        Assert.Contains("operator", await browser.GetStringAsync("/"));
        var korean = await OpenIncidentAsync(browser, "api/state?lang=ko");
        Assert.StartsWith("platform에서 서버 다운 감지: platform killed by signal 9", korean.GetProperty("incident").GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("platform에서 서버 다운 감지: ", korean.GetProperty("timeline")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        var english = await OpenIncidentAsync(browser, "api/state");
        Assert.StartsWith("platform: platform killed by signal 9", english.GetProperty("incident").GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    // The journal opens the incident just after the supervisor shows the component down.
    private static async Task<JsonElement> OpenIncidentAsync(HttpClient browser, string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var incidents = (await browser.GetFromJsonAsync<JsonElement>(path)).GetProperty("incidents");
            if (incidents.GetArrayLength() > 0 || DateTime.UtcNow > deadline)
            {
                return incidents[0];
            }

            await Task.Delay(300);
        }
    }

    [Fact]
    public async Task A_dashboard_sign_in_ends_when_its_lifetime_is_over_and_signing_out_ends_it_in_that_browser()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string> { ["O4O__Dashboard__SessionLifetime"] = "00:00:10" });
        var token = OperatorToken.LoadOrCreate(up.Home);
        using var browser = await SignedInAsync(up, token);
        var signedInAt = DateTime.UtcNow;
        using var leaving = await SignedInAsync(up, token);

        using (var signOut = await leaving.PostAsync("sign-out", null))
        {
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await leaving.GetAsync("api/state")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("api/state")).StatusCode);
        await Task.Delay(signedInAt.AddSeconds(10.5) - DateTime.UtcNow);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("api/state")).StatusCode);
        Assert.DoesNotContain("csrf-token", await browser.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_locked_on_the_platform_is_signed_out_of_the_dashboard_and_their_token_no_longer_signs_in()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string> { ["O4O__Dashboard__AdminRecheckEvery"] = "00:00:01" });
        var (id, token) = await SecondAdminAsync(up);
        using var locked = await SignedInAsync(up, token);
        using var operatorBrowser = await SignedInAsync(up, OperatorToken.LoadOrCreate(up.Home));
        Assert.Equal(HttpStatusCode.OK, (await locked.GetAsync("api/state")).StatusCode);

        using var console = await ConsoleSignedInAsync(up);
        using var lockResponse = await PostConsoleFormAsync(console, "admin/users", $"admin/users/{id}/lock", new() { ["page"] = "1" });
        Assert.True(lockResponse.IsSuccessStatusCode, await lockResponse.Content.ReadAsStringAsync());

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            status = (await locked.GetAsync("api/state")).StatusCode;
        }
        while (status != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain("csrf-token", await locked.GetStringAsync("/"));
        Assert.Equal(HttpStatusCode.OK, (await operatorBrowser.GetAsync("api/state")).StatusCode);
        using var again = new HttpClient { BaseAddress = locked.BaseAddress };
        using var refused = await again.PostAsync("sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("This admin account is locked", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("set-cookie", refused.Headers.Select(h => h.Key), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task While_the_platform_database_is_down_an_admins_token_still_signs_in_and_the_unchecked_sign_in_is_logged()
    {
        await using var up = await SupervisedUp.StartAsync();
        using var admin = await up.SignedInAsync(admin: true);
        var jwt = admin.DefaultRequestHeaders.Authorization!.Parameter!;
        using var control = up.Control();
        await control.SetAutoRecoveryAsync(enabled: false, "e2e-operator");
        Assert.True(UnixProcess.Signal(up.PostmasterPid, UnixProcess.SigKill));

        using var browser = await SignedInAsync(up, jwt);

        Assert.Contains("csrf-token", await browser.GetStringAsync("/"));
        var events = await up.EventsAsync("dashboard");
        Assert.Contains(events, e => e.Actor == O4OProcess.AdminEmail
            && e.Seen.StartsWith("dashboard sign-in accepted unchecked: the platform database is unavailable", StringComparison.Ordinal));
    }

    /// <summary>A newly registered account made admin in the database, and its platform token.</summary>
    private static async Task<(long Id, string Token)> SecondAdminAsync(SupervisedUp up)
    {
        var email = $"second-admin-{Guid.NewGuid():N}@example.com";
        const string password = "Second-admin-password-1";
        using var registered = await up.Client.PostAsJsonAsync("api/v1/auth/register", new { email, password });
        registered.EnsureSuccessStatusCode();
        await using var database = up.Database();
        await using var promote = database.CreateCommand("UPDATE users SET role = 'admin' WHERE email = $1 RETURNING id");
        promote.Parameters.AddWithValue(email);
        var id = (long)(await promote.ExecuteScalarAsync())!;
        using var login = await up.Client.PostAsJsonAsync("api/v1/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        return (id, (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
    }

    /// <summary>The seeded admin, signed in to the platform's console as a browser is (cookie, antiforgery forms).</summary>
    private static async Task<HttpClient> ConsoleSignedInAsync(SupervisedUp up)
    {
        var console = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = up.Up.BaseAddress };
        using var signIn = await PostConsoleFormAsync(console, "admin/login", "admin/login",
            new() { ["email"] = O4OProcess.AdminEmail, ["password"] = O4OProcess.AdminPassword, ["returnUrl"] = "/admin" });
        Assert.Equal("/admin", signIn.RequestMessage!.RequestUri!.AbsolutePath);
        return console;
    }

    private static async Task<HttpResponseMessage> PostConsoleFormAsync(HttpClient console, string formPage, string action, Dictionary<string, string> fields)
    {
        var antiforgery = AntiforgeryField().Match(await console.GetStringAsync(formPage));
        Assert.True(antiforgery.Success, $"{formPage} carries an antiforgery token.");
        fields[antiforgery.Groups["name"].Value] = antiforgery.Groups["value"].Value;
        return await console.PostAsync(action, new FormUrlEncodedContent(fields));
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

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
