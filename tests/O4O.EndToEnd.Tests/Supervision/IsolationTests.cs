using System.Globalization;
using System.Net;
using System.Text.Json;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary><c>o4o isolate on|off</c> against a running <c>o4o up</c> with the real nginx in front.</summary>
public sealed class IsolationTests
{
    [Fact]
    public async Task Isolate_on_serves_the_maintenance_page_through_nginx_and_is_on_an_incident_and_status_and_off_serves_the_shop_again()
    {
        var port = FreePort.Next();
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string>
        {
            ["O4O__Nginx__Enabled"] = "true",
            ["O4O__Nginx__Port"] = port.ToString(CultureInfo.InvariantCulture),
        });
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var throughProxy = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        throughProxy.DefaultRequestHeaders.Host = "api.o4o.local";
        await up.Up.WaitForOkAsync(throughProxy, "/api/health", TimeSpan.FromSeconds(30));

        var unconfirmed = await up.CliAsync("isolate", "on");
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains("Refusing to isolate the shop without confirmation", unconfirmed.StandardError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, port, "api", "/api/health")).Status);

        var on = await up.CliAsync("isolate", "on", "--yes");
        Assert.True(on.ExitCode == 0, on.StandardError);
        Assert.Contains("The shop is isolated: nginx serves the maintenance page, scheduled backups and uploads are stopped. Recorded on incident 1.",
            on.StandardError, StringComparison.Ordinal);
        foreach (var (host, path) in new[] { ("api", "/api/v1/products"), ("admin", "/"), ("admin", "/admin"), ("www", "/") })
        {
            var (answer, body, retryAfter) = await GetAsync(client, port, host, path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer);
            Assert.Contains("We'll be back soon", body, StringComparison.Ordinal);
            Assert.Equal("600", retryAfter);
        }

        // The platform itself still runs, behind the closed door; nginx, answering its page, is not restarted for it.
        Assert.Equal(HttpStatusCode.OK, (await up.Client.GetAsync("/api/health/live")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(await up.EventsAsync("nginx"), e => e.Kind == RecoveryEventKind.Detected);
        var status = JsonDocument.Parse((await up.CliAsync("status", "--json")).StandardOutput).RootElement.GetProperty("components");
        Assert.Equal("down", Row(status, "isolation").GetProperty("state").GetString());
        Assert.StartsWith($"isolated by {Environment.UserName} (cli) since ", Row(status, "isolation").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("healthy", Row(status, "nginx").GetProperty("state").GetString());

        var off = await up.CliAsync("isolate", "off");
        Assert.True(off.ExitCode == 0, off.StandardError);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, port, "api", "/api/health")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, port, "www", "/")).Status);
        var after = JsonDocument.Parse((await up.CliAsync("status", "--json")).StandardOutput).RootElement.GetProperty("components");
        Assert.DoesNotContain(after.EnumerateArray(), row => row.GetProperty("name").GetString() == "isolation");
        var incident = (await up.CliAsync("incident", "show", "1")).StandardOutput;
        Assert.Contains("the shop was isolated: nginx serves the maintenance page instead of proxying the API and the sites", incident, StringComparison.Ordinal);
        Assert.Contains("isolation ended: nginx serves the shop again", incident, StringComparison.Ordinal);
    }

    private static JsonElement Row(JsonElement components, string name) =>
        components.EnumerateArray().Single(row => row.GetProperty("name").GetString() == name);

    private static async Task<(HttpStatusCode Status, string Body, string? RetryAfter)> GetAsync(HttpClient client, int port, string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        request.Headers.Host = $"{host}.o4o.local";
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.ToString());
    }
}
