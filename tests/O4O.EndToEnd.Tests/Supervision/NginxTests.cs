using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Supervision;

public sealed class NginxTests
{
    [Fact]
    public async Task Nginx_serves_the_three_virtual_hosts_and_a_killed_nginx_is_restarted()
    {
        var port = FreePort.Next();
        await using var up = await StartWithNginxAsync(port);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        // nginx starts after the platform answers, which is all StartAsync waits for.
        using var throughProxy = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        throughProxy.DefaultRequestHeaders.Host = "api.o4o.local";
        await up.Up.WaitForOkAsync(throughProxy, "/api/health", TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, port, "api", "/api/health"));
        Assert.Equal(HttpStatusCode.Found, await StatusAsync(client, port, "admin", "/"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, port, "www", "/"));

        var master = int.Parse(File.ReadAllText(Path.Combine(up.Home.Run, "nginx.pid")).Trim(), CultureInfo.InvariantCulture);
        UnixProcess.Signal(master, UnixProcess.SigKill);
        var events = await up.WaitForEventsAsync("nginx", e => e.Any(x => x.Kind == RecoveryEventKind.Action), TimeSpan.FromSeconds(20));

        Assert.Equal("nginx killed by signal 9 (SIGKILL)", events.First(e => e.Kind == RecoveryEventKind.Detected).Seen);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, port, "api", "/api/health"));
        var status = JsonDocument.Parse((await up.CliAsync("status", "--json")).StandardOutput).RootElement;
        var row = status.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "nginx");
        Assert.Equal("healthy", row.GetProperty("state").GetString());
        Assert.Equal(1, row.GetProperty("restarts").GetInt32());
    }

    [Fact]
    public async Task Audit_shows_the_real_address_of_a_client_through_nginx_and_of_one_forging_forwarded_for_directly()
    {
        var port = FreePort.Next();
        await using var up = await StartWithNginxAsync(port);
        using var throughProxy = LoopbackClients.From("127.0.0.3", new Uri($"http://127.0.0.1:{port}/"));
        throughProxy.DefaultRequestHeaders.Host = "api.o4o.local";
        await up.Up.WaitForOkAsync(throughProxy, "/api/health", TimeSpan.FromSeconds(30));
        using var direct = LoopbackClients.From("127.0.0.4", up.Client.BaseAddress!);

        Assert.Equal(HttpStatusCode.Unauthorized, await WrongPasswordAsync(throughProxy, forwardedFor: "6.6.6.6"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WrongPasswordAsync(direct, forwardedFor: "1.2.3.4"));
        var audit = (await up.CliAsync("audit", "--json")).StandardOutput;

        Assert.Contains("\"127.0.0.3\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"127.0.0.4\"", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("6.6.6.6", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("1.2.3.4", audit, StringComparison.Ordinal);
    }

    private static Task<SupervisedUp> StartWithNginxAsync(int port) =>
        SupervisedUp.StartAsync(new Dictionary<string, string>
        {
            ["O4O__Nginx__Enabled"] = "true",
            ["O4O__Nginx__Port"] = port.ToString(CultureInfo.InvariantCulture),
        });

    private static async Task<HttpStatusCode> WrongPasswordAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/login")
        {
            Content = JsonContent.Create(new { email = O4OProcess.AdminEmail, password = "not-the-password" }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, int port, string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        request.Headers.Host = $"{host}.o4o.local";
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
