using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Supervision;

public sealed class PlatformFaultTests
{
    [Fact]
    public async Task A_platform_killed_during_an_order_load_is_back_and_every_order_answered_201_is_stored_once()
    {
        await using var up = await SupervisedUp.StartAsync();
        using var admin = await up.SignedInAsync(admin: true);
        using var product = await admin.PostAsJsonAsync("api/v1/products", new { sku = "LOAD-1", name = "Load", price = 1.5m, stock = 1_000_000 });
        var productId = (await product.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var customers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => up.SignedInAsync(admin: false)));
        var load = new OrderLoad(customers, productId);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);

        await Task.Delay(1500);
        var killedAt = DateTime.UtcNow;
        var before = load.Created.Where(order => order.Value.AnsweredAt < killedAt).Select(order => order.Value.Id).ToList();
        Assert.True(UnixProcess.Signal(up.PlatformPid, UnixProcess.SigKill));
        await up.WaitForEventsAsync("platform", events => events.Any(e => e.Kind == RecoveryEventKind.Recovered), TimeSpan.FromSeconds(30));
        await Task.Delay(1000);
        await stop.CancelAsync();
        await running;

        await up.Up.WaitForOkAsync(up.Client, "/api/health", TimeSpan.FromSeconds(10));
        Assert.NotEmpty(before);
        Assert.True(load.Retries > 0, "no request was interrupted: the kill did not hit the load");
        await using var database = up.Database();
        var stored = await Ids(database, "SELECT id FROM orders");
        Assert.All(load.Created.Values, order => Assert.Contains(order.Id, stored));
        Assert.Equal(0L, await Scalar(database, "SELECT count(*) FROM (SELECT 1 FROM orders GROUP BY user_id, idempotency_key HAVING count(*) > 1) AS twice"));
        Assert.Equal(load.Created.Count, load.Created.Values.Select(order => order.Id).Distinct().Count());
        foreach (var customer in customers)
        {
            customer.Dispose();
        }
    }

    [Fact]
    public async Task A_hung_platform_is_killed_and_restarted_within_the_probe_window()
    {
        await using var up = await SupervisedUp.StartAsync();
        var hung = up.PlatformPid;
        var stopped = DateTimeOffset.UtcNow;

        UnixProcess.Signal(hung, 19); // SIGSTOP
        var events = await up.WaitForEventsAsync("platform", events => events.Any(e => e.Kind == RecoveryEventKind.Action), TimeSpan.FromSeconds(20));
        await up.Up.WaitForOkAsync(up.Client, "/api/health", TimeSpan.FromSeconds(20));

        // 3 probes 200 ms apart, each timing out after 500 ms: the probe window, timed by the conductor's own record of
        // the detection that makes it kill. Its record of the kill comes only once the restart answers, which under load
        // is anything from 2 to 10 s later, and the test's polling of the event log is no part of the window either.
        var detectedAfter = events.Single(e => e.Kind == RecoveryEventKind.Detected).At - stopped;
        Assert.True(detectedAfter < TimeSpan.FromSeconds(6), $"detected after {detectedAfter}");
        Assert.False(UnixProcess.IsAlive(hung), "the hung process was left running");
        Assert.NotEqual(hung, up.PlatformPid);
        var detected = Assert.Single(await up.EventsAsync("platform"), e => e.Kind == RecoveryEventKind.Detected);
        Assert.Contains("3 consecutive probes failed: no answer within 0.5 s", detected.Seen);
    }

    [Fact]
    public async Task With_AutoRecovery_off_a_killed_platform_stays_down_until_it_is_switched_on()
    {
        await using var up = await SupervisedUp.StartAsync();
        using var admin = await up.SignedInAsync(admin: true);
        using var customer = await up.SignedInAsync(admin: false);
        using var anonymous = await up.Client.PostAsync("api/v1/auto-recovery/disable", null);
        using var forbidden = await customer.PostAsync("api/v1/auto-recovery/disable", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var off = await admin.PostAsync("api/v1/auto-recovery/disable", null);
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        UnixProcess.Signal(up.PlatformPid, UnixProcess.SigKill);
        var held = await up.WaitForEventsAsync("platform", events => events.Any(e => e.Done == "not restarted: AutoRecovery is off"), TimeSpan.FromSeconds(10));
        await Task.Delay(1500);
        await Assert.ThrowsAsync<HttpRequestException>(() => up.Client.GetAsync("/api/health/live"));
        Assert.Contains(held, e => e.Kind == RecoveryEventKind.Detected && e.FailureType == FailureType.ServerDown);

        var status = JsonDocument.Parse((await up.CliAsync("status", "--json")).StandardOutput).RootElement;
        var row = status.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "platform");
        Assert.Equal(("down", "serverDown", "down"), (row.GetProperty("state").GetString(), row.GetProperty("failureType").GetString(), row.GetProperty("supervision").GetString()));
        Assert.False(status.GetProperty("conductor").GetProperty("autoRecovery").GetBoolean());

        // The platform is down, so the switch goes through the conductor's socket.
        var on = await up.CliAsync("autorecovery", "on");
        Assert.True(on.ExitCode == 0, on.StandardError);
        Assert.StartsWith("AutoRecovery is on (switched by", on.StandardOutput);
        await up.Up.WaitForOkAsync(up.Client, "/api/health", TimeSpan.FromSeconds(15));
        Assert.Contains("not restarted: AutoRecovery is off", (await up.CliAsync("logs", "conductor", "-n", "20")).StandardOutput);
        var switches = await up.EventsAsync("conductor");
        Assert.Contains(switches, e => e.Kind == RecoveryEventKind.Switch && e.Seen == "AutoRecovery switched off" && e.Actor == O4OProcess.AdminEmail);
    }

    private static async Task<HashSet<long>> Ids(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new HashSet<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static async Task<long> Scalar(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
