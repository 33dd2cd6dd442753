using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using O4O.Recovery.Control;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary><c>Platform:Instances=2</c> behind the conductor's nginx: two processes on consecutive ports, any of them serves any request.</summary>
public sealed partial class PlatformInstancesTests
{
    [Fact]
    public async Task A_platform_instance_killed_under_load_costs_no_failed_request_and_is_restarted()
    {
        var nginxPort = FreePort.Next();
        await using var up = await StartAsync(nginxPort);
        using var admin = await up.SignedInAsync(admin: true);
        using var product = await admin.PostAsJsonAsync("api/v1/products", new { sku = "LOAD-1", name = "Load", price = 1.5m, stock = 1_000_000 });
        var productId = (await product.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        // Each customer's token, on a client that goes through nginx's api. host.
        var customers = new List<HttpClient>();
        foreach (var signedIn in await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => up.SignedInAsync(admin: false))))
        {
            var customer = ThroughNginx(nginxPort);
            customer.DefaultRequestHeaders.Authorization = signedIn.DefaultRequestHeaders.Authorization;
            customers.Add(customer);
            signedIn.Dispose();
        }

        var second = await InstancePidAsync(up, "platform-2");
        var load = new OrderLoad(customers, productId);
        using var browsing = ThroughNginx(nginxPort);
        var failedReads = 0;
        var reads = 0;
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(load.RunAsync(stop.Token), Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await browsing.GetAsync(new Uri("api/v1/products", UriKind.Relative), CancellationToken.None);
                    failedReads += response.IsSuccessStatusCode ? 0 : 1;
                }
                catch (HttpRequestException)
                {
                    failedReads++;
                }

                reads++;
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None));

        await Task.Delay(1500);
        var killedAt = DateTime.UtcNow;
        Assert.True(UnixProcess.Signal(second, UnixProcess.SigKill));
        var events = await up.WaitForEventsAsync("platform-2", e => e.Any(x => x.Kind == RecoveryEventKind.Recovered), TimeSpan.FromSeconds(30));
        await Task.Delay(1500);
        await stop.CancelAsync();
        await running;

        Assert.Equal("platform-2 killed by signal 9 (SIGKILL)", events.First(e => e.Kind == RecoveryEventKind.Detected).Seen);
        Assert.NotEqual(second, await InstancePidAsync(up, "platform-2"));
        Assert.True(load.Created.Count > 20, $"only {load.Created.Count} orders were placed");
        Assert.True(reads > 20, $"only {reads} product lists were read");
        Assert.True(load.Retries == 0, $"{load.Retries} orders were sent again: {string.Join("; ", load.Failures.Take(20))}; killed at {killedAt:HH:mm:ss.fff}");
        Assert.Equal(0, failedReads);
        // Both instances took orders, so the kill hit one that served.
        Assert.Contains("upstream=127.0.0.1:" + (up.Up.PlatformPort + 1).ToString(CultureInfo.InvariantCulture),
            await File.ReadAllTextAsync(Path.Combine(up.Home.Logs, "nginx-access.log")), StringComparison.Ordinal);
        await using var database = up.Database();
        await using var duplicates = database.CreateCommand("SELECT count(*) FROM (SELECT 1 FROM orders GROUP BY user_id, idempotency_key HAVING count(*) > 1) AS twice");
        Assert.Equal(0L, (long)(await duplicates.ExecuteScalarAsync())!);
        foreach (var customer in customers)
        {
            customer.Dispose();
        }
    }

    [Fact]
    public async Task A_session_and_a_form_made_on_one_instance_are_accepted_by_the_other()
    {
        await using var up = await StartAsync(FreePort.Next());
        var first = up.Up.BaseAddress;
        var second = new Uri($"http://127.0.0.1:{up.Up.PlatformPort + 1}/");
        // One cookie jar for both: cookies are the host's, whatever the port, as a browser behind nginx has them.
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler);
        var email = $"customer-{Guid.NewGuid():N}@example.com";
        using (var registered = await up.Client.PostAsJsonAsync("api/v1/auth/register", new { email, password = "Customer-password-1" }))
        {
            registered.EnsureSuccessStatusCode();
        }

        var page = await browser.GetStringAsync(new Uri(first, "login"));
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "the sign-in page carries an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = "Customer-password-1",
            [token.Groups["name"].Value] = token.Groups["value"].Value,
        });
        using var signedIn = await browser.PostAsync(new Uri(second, "login"), form);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"the form shown by instance 1 and posted to instance 2 answered {(int)signedIn.StatusCode}");

        foreach (var instance in new[] { first, second })
        {
            using var orders = await browser.GetAsync(new Uri(instance, "orders"));
            Assert.True(orders.StatusCode == HttpStatusCode.OK, $"{instance} answered /orders with {(int)orders.StatusCode} {orders.Headers.Location}");
        }
    }

    private static Task<SupervisedUp> StartAsync(int nginxPort) =>
        SupervisedUp.StartAsync(new Dictionary<string, string>
        {
            ["O4O__Platform__Instances"] = "2",
            ["O4O__Nginx__Enabled"] = "true",
            ["O4O__Nginx__Port"] = nginxPort.ToString(CultureInfo.InvariantCulture),
        });

    private static HttpClient ThroughNginx(int port)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Host = "api.o4o.local";
        return client;
    }

    // From the conductor's control API, which listens once every instance started (the first answers before that).
    private static async Task<int> InstancePidAsync(SupervisedUp up, string instance)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var status = await up.Control().StatusAsync(CancellationToken.None);
                if (status!.Components.SingleOrDefault(c => c.Name == instance) is { Pid: { } pid })
                {
                    return pid;
                }
            }
            catch (ConductorUnreachableException) when (DateTime.UtcNow < deadline)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"the conductor did not report {instance} running within 60 s:\n{up.Up.Output}");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
