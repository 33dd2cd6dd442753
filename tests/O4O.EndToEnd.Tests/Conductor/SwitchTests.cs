using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using O4O.EndToEnd.Tests.Processes;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Conductor;

/// <summary>
/// The health-gated switch on real processes: the conductor's shared listening socket, a release started beside the
/// serving one, held from the socket until it passed its gate, and the old one drained.
/// </summary>
public sealed class SwitchTests
{
    [Fact]
    public async Task Deploying_under_an_order_load_refuses_no_request_and_every_acknowledged_order_is_stored()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string> { ["O4O__Releases__WatchWindow"] = "00:00:15" });
        var (load, customers) = await LoadAsync(up);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var before = up.PlatformPid;

        var deploy = await up.CliAsync("deploy", O4OProcess.RepositoryRoot());
        var deployed = load.Answered;
        await Task.Delay(1500);
        await stop.CancelAsync();
        await running;

        Assert.True(deploy.ExitCode == 0, deploy.StandardError + up.Up.Output);
        Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} of {load.Answered} requests failed:\n{string.Join('\n', load.Failures.Take(20))}");
        Assert.True(load.Answered > deployed, "nothing was answered after the switch");
        Assert.NotEqual(before, up.PlatformPid);
        // Kept drained as the rollback's standby through the watch window, then stopped.
        await up.WaitForEventsAsync(Recovery.Supervision.Conductor.ReleasesComponent,
            e => e.Any(x => x.Seen.Contains("passed its watch window", StringComparison.Ordinal)), TimeSpan.FromMinutes(1));
        Assert.False(UnixProcess.IsAlive(before), "the old release was left running");
        var command = await File.ReadAllTextAsync($"/proc/{up.PlatformPid}/cmdline");
        Assert.Contains(Path.Combine(up.Home.Root, "releases", deploy.StandardOutput.Trim(), "app", "O4O.Platform.dll"), command);
        await using var database = up.Database();
        await using var orders = database.CreateCommand("SELECT id FROM orders");
        var stored = new HashSet<long>();
        await using (var reader = await orders.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetInt64(0));
            }
        }

        Assert.NotEmpty(load.Created);
        Assert.All(load.Created.Values, order => Assert.Contains(order.Id, stored));
        var events = await up.EventsAsync(Recovery.Supervision.Conductor.ReleasesComponent);
        Assert.Contains(events, e => e.Seen.Contains("passed the gate", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Seen.Contains($"pid {before} drained", StringComparison.Ordinal));
        Dispose(customers);
    }

    [Fact]
    public async Task A_deploy_rolls_across_two_instances_one_after_the_other_refusing_no_request()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string>
        {
            ["O4O__Platform__Instances"] = "2",
            ["O4O__Releases__WatchWindow"] = "00:00:00",
        });
        var (load, customers) = await LoadAsync(up);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);

        var deploy = await up.CliAsync("deploy", O4OProcess.RepositoryRoot());
        await Task.Delay(1000);
        await stop.CancelAsync();
        await running;

        Assert.True(deploy.ExitCode == 0, deploy.StandardError + up.Up.Output);
        Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} of {load.Answered} requests failed:\n{string.Join('\n', load.Failures.Take(20))}");
        var status = await up.Control().StatusAsync(CancellationToken.None);
        var release = Path.Combine(up.Home.Root, "releases", deploy.StandardOutput.Trim(), "app", "O4O.Platform.dll");
        foreach (var instance in new[] { "platform", "platform-2" })
        {
            var pid = Assert.Single(status!.Components, c => c.Name == instance).Pid!.Value;
            Assert.Contains(release, await File.ReadAllTextAsync($"/proc/{pid}/cmdline"));
        }

        // One at a time: the second instance's switch begins once the first one's is over.
        var steps = (await up.EventsAsync(Recovery.Supervision.Conductor.ReleasesComponent)).OrderBy(e => e.At).Select(e => e.Seen).ToList();
        var firstDone = steps.FindIndex(step => step.Contains(": platform: pid", StringComparison.Ordinal) && step.Contains("stopped", StringComparison.Ordinal));
        var secondStarted = steps.FindIndex(step => step.Contains(": platform-2: started", StringComparison.Ordinal));
        Assert.True(firstDone >= 0 && secondStarted > firstDone, string.Join('\n', steps));
        Dispose(customers);
    }

    [Fact]
    public async Task A_release_that_fails_its_health_gate_never_receives_traffic_and_the_old_one_serves_throughout()
    {
        await using var up = await SupervisedUp.StartAsync();
        var (load, customers) = await LoadAsync(up);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var before = up.PlatformPid;
        // A release honestly broken the way a bad commit breaks one: it builds and starts, but lost its product list.
        var broken = BrokenCheckout("");

        var deploy = await up.CliAsync("deploy", broken);
        await Task.Delay(500);
        await stop.CancelAsync();
        await running;
        Directory.Delete(broken, recursive: true);

        Assert.Equal(1, deploy.ExitCode);
        Assert.Contains("did not pass its health gate", deploy.StandardError);
        Assert.Contains("GET /api/v1/products → 404", deploy.StandardError);
        // The shoppers read the product list throughout: one 404 would be the broken release answering.
        Assert.True(load.Failures.IsEmpty, $"{load.Failures.Count} of {load.Answered} requests failed:\n{string.Join('\n', load.Failures.Take(20))}");
        Assert.Equal(before, up.PlatformPid);
        var refused = Assert.Single(await up.EventsAsync(Recovery.Supervision.Conductor.ReleasesComponent), e => e.Kind == RecoveryEventKind.Detected);
        Assert.Contains("failed its health gate: the product list failed: GET /api/v1/products → 404", refused.Seen);
        Assert.Equal("stopped it before it received any traffic", refused.Done);
        var listed = await up.CliAsync("releases", "--json");
        using var json = JsonDocument.Parse(listed.StandardOutput);
        var release = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal((false, "failed"), (release.GetProperty("current").GetBoolean(), release.GetProperty("health").GetString()));
        Assert.DoesNotContain(up.Up.ProcessesMentioningHome(), command => command.Contains("releases", StringComparison.Ordinal));
        Dispose(customers);
    }

    [Fact]
    public async Task A_conductor_killed_mid_switch_leaves_the_old_release_serving_and_the_next_up_stops_both_platforms()
    {
        await using var up = await SupervisedUp.StartAsync();
        var release = BuildRelease.Copy(up);
        var old = up.PlatformPid;
        var conductor = up.Up.RecordedPids()[0];
        using var control = new Recovery.Control.ControlClient(up.Home, TimeSpan.FromMinutes(3));
        var switching = control.SwitchPlatformAsync(release.Name, "test");
        var gated = await WaitForAsync(() => PlatformsOf(release.Directory) is [var first, ..] ? first : 0, TimeSpan.FromSeconds(30));

        UnixProcess.Signal(conductor, UnixProcess.SigKill);
        await Assert.ThrowsAnyAsync<Exception>(() => switching);
        // Both platforms outlive it, each with its copy of the shop's socket; the serving one still answers.
        Assert.True(UnixProcess.IsAlive(old) && UnixProcess.IsAlive(gated));
        using (var live = await up.Client.GetAsync("api/health/live"))
        {
            live.EnsureSuccessStatusCode();
        }

        using var again = StartUpAgain(up);
        try
        {
            // The orphans answer until the new conductor stopped them: wait for its own platform.
            await WaitForAsync(() => Recorded(up) is [var next, _, var platform] && next != conductor && UnixProcess.IsAlive(next)
                && platform != old && platform != gated ? platform : 0, TimeSpan.FromMinutes(2));
            using var health = await up.Client.GetAsync("api/health");
            health.EnsureSuccessStatusCode();
            Assert.False(UnixProcess.IsAlive(old) || UnixProcess.IsAlive(gated), "an orphaned platform was left running");
        }
        finally
        {
            UnixProcess.Signal(again.Id, UnixProcess.SigTerm);
            await again.WaitForExitAsync();
        }

        Assert.Empty(PlatformsOf(up.Home.Root));
    }

    [Fact]
    public async Task A_release_is_current_on_record_when_its_switch_returns_so_no_later_record_can_undo_a_rollback_in_its_watch_window()
    {
        await using var up = await SupervisedUp.StartAsync();
        var release = BuildRelease.Copy(up);
        using var control = new Recovery.Control.ControlClient(up.Home, TimeSpan.FromMinutes(3));

        var result = await control.SwitchPlatformAsync(release.Name, "test");

        Assert.True(result.Switched, result.Detail + up.Up.Output);
        // Recorded by the conductor before it answered (and before the watch window began), not by the caller afterwards.
        var records = new Recovery.State.ReleaseRecords(up.Home.StateDatabase);
        Assert.Equal(release.Name, records.Current());
        Assert.Equal(("test", "healthy"), (records.ReadAll()[release.Name].MadeCurrentBy, records.ReadAll()[release.Name].Health));
    }

    [Fact]
    public async Task The_old_release_crashing_while_the_new_one_is_gated_leaves_the_new_one_serving_and_not_restarted()
    {
        await using var up = await SupervisedUp.StartAsync();
        var release = BuildRelease.Copy(up);
        var old = up.PlatformPid;
        using var control = new Recovery.Control.ControlClient(up.Home, TimeSpan.FromMinutes(3));
        var switching = control.SwitchPlatformAsync(release.Name, "test");
        var gated = await WaitForAsync(() => PlatformsOf(release.Directory) is [var first, ..] ? first : 0, TimeSpan.FromSeconds(30));

        UnixProcess.Signal(old, UnixProcess.SigKill);
        var result = await switching;

        Assert.True(result.Switched, result.Detail + up.Up.Output);
        // The supervisor saw the old one's exit and acted on it once the switch let it: by finding the new one serving.
        await up.WaitForEventsAsync(Recovery.Supervision.Conductor.PlatformComponent,
            e => e.Any(x => x.Kind == RecoveryEventKind.Action), TimeSpan.FromSeconds(30));
        await Task.Delay(1000);
        Assert.True(UnixProcess.IsAlive(gated), "the release that passed its gate was stopped");
        Assert.Equal(gated, up.PlatformPid);
        Assert.Equal([gated], PlatformsOf(release.Directory));
        using var health = await up.Client.GetAsync("api/health");
        health.EnsureSuccessStatusCode();
        var events = await up.EventsAsync(Recovery.Supervision.Conductor.ReleasesComponent);
        Assert.Contains(events, e => e.Seen.Contains($"pid {old} had exited before pid {gated} passed its gate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_release_that_starts_answering_5xx_after_the_switch_is_rolled_back_automatically_within_30_s_with_an_incident_open()
    {
        await using var up = await SupervisedUp.StartAsync(new Dictionary<string, string>
        {
            ["O4O__Releases__RateWindow"] = "00:00:05",
            ["O4O__Releases__MinimumRequests"] = "10",
        });
        var (load, customers) = await LoadAsync(up);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var before = up.PlatformPid;
        // A release that passes its gate and fails under traffic: its product list answers 500 from the 50th request on.
        var failing = BrokenCheckout("""
            var productLists = 0;
            app.Use(async (context, next) =>
            {
                if (context.Request.Path.StartsWithSegments("/api/v1/products") && Interlocked.Increment(ref productLists) > 50)
                {
                    context.Response.StatusCode = 500;
                    return;
                }

                await next(context);
            });
            app.MapProducts();
            """);

        var deploy = await up.CliAsync("deploy", failing);
        Directory.Delete(failing, recursive: true);
        Assert.True(deploy.ExitCode == 0, deploy.StandardError + up.Up.Output);
        var events = await up.WaitForEventsAsync(Recovery.Supervision.Conductor.ReleasesComponent,
            e => e.Any(x => x.Done.StartsWith("rolled back automatically", StringComparison.Ordinal)), TimeSpan.FromMinutes(2));
        await Task.Delay(2000);
        await stop.CancelAsync();
        await running;

        var failures = load.Failures.Select(failure => DateTime.ParseExact(failure[..12], "HH:mm:ss.fff", CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(failures);
        var served = failures.Max() - failures.Min();
        Console.WriteLine($"5xx from the first to the last: {served.TotalSeconds:0.0} s ({failures.Count} requests)");
        Assert.True(served < TimeSpan.FromSeconds(30), $"5xx for {served} from the first to the last:\n{string.Join('\n', load.Failures.Take(20))}");
        Assert.Contains(events, e => e.Kind == RecoveryEventKind.Detected && e.Seen.Contains("failed in its watch window", StringComparison.Ordinal)
            && e.Seen.Contains("answered 5xx", StringComparison.Ordinal));
        Assert.Contains("the build output", events.Last(e => e.Kind == RecoveryEventKind.Action).Done, StringComparison.Ordinal);
        // The release switched away from was kept drained through the watch window: the rollback is a "go" to it.
        Assert.Equal(before, up.PlatformPid);
        Assert.DoesNotContain("releases", await File.ReadAllTextAsync($"/proc/{up.PlatformPid}/cmdline"), StringComparison.Ordinal);
        using var control = up.Control();
        Assert.Contains(await control.IncidentsAsync(), view => view.Incident.IsOpen && view.Incident.Components.Contains(Recovery.Supervision.Conductor.ReleasesComponent));
        var listed = await up.CliAsync("releases", "--json");
        using var json = JsonDocument.Parse(listed.StandardOutput);
        var release = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal((false, "rolled back"), (release.GetProperty("current").GetBoolean(), release.GetProperty("health").GetString()));
        await using var database = up.Database();
        await using var orders = database.CreateCommand("SELECT count(*) FROM orders WHERE id = ANY(@ids)");
        orders.Parameters.AddWithValue("ids", load.Created.Values.Select(order => order.Id).ToArray());
        Assert.Equal((long)load.Created.Count, (long)(await orders.ExecuteScalarAsync())!);
        Dispose(customers);
    }

    private static async Task<(OrderLoad Load, HttpClient[] Clients)> LoadAsync(SupervisedUp up)
    {
        using var admin = await up.SignedInAsync(admin: true);
        using var product = await admin.PostAsJsonAsync("api/v1/products", new { sku = "SWITCH-1", name = "Switch", price = 1.5m, stock = 1_000_000 });
        product.EnsureSuccessStatusCode();
        var productId = (await product.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var customers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => up.SignedInAsync(admin: false)));
        HttpClient[] shoppers = [.. Enumerable.Range(0, 4).Select(_ => new HttpClient { BaseAddress = up.Up.BaseAddress, Timeout = TimeSpan.FromSeconds(30) })];
        return (new OrderLoad(customers, productId, shoppers), [.. customers, .. shoppers]);
    }

    private static void Dispose(HttpClient[] clients)
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    // This checkout's sources, with the product endpoints' mapping replaced by <paramref name="mapping"/>.
    private static string BrokenCheckout(string mapping)
    {
        var root = O4OProcess.RepositoryRoot();
        var copy = Directory.CreateTempSubdirectory("o4o-broken-").FullName;
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig" }.Where(f => File.Exists(Path.Combine(root, f))))
        {
            File.Copy(Path.Combine(root, file), Path.Combine(copy, file));
        }

        // o4o deploy copies it again, leaving out any bin/ and obj/.
        var copied = CommandRunner.RunAsync(new ProcessStartInfo("cp", ["-a", Path.Combine(root, "src"), copy])).GetAwaiter().GetResult();
        Assert.True(copied.ExitCode == 0, copied.StandardError);
        var program = Path.Combine(copy, "src", "O4O.Platform", "Program.cs");
        var text = File.ReadAllText(program);
        Assert.Contains("app.MapProducts();", text);
        File.WriteAllText(program, text.Replace("app.MapProducts();", mapping, StringComparison.Ordinal));
        return copy;
    }

    // Platform processes whose command line or home is under <paramref name="path"/>.
    internal static IReadOnlyList<int> PlatformsOf(string path) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Read($"/proc/{pid}/cmdline").Contains("O4O.Platform.dll", StringComparison.Ordinal)
                && (Read($"/proc/{pid}/cmdline").Contains(path, StringComparison.Ordinal) || Read($"/proc/{pid}/environ").Contains($"O4O_HOME={path}\0", StringComparison.Ordinal)))];

    private static string Read(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static int[] Recorded(SupervisedUp up)
    {
        try
        {
            return up.Up.RecordedPids();
        }
        catch (Exception exception) when (exception is IOException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // Not written yet, or written while the platform was not running.
            return [];
        }
    }

    private static async Task<int> WaitForAsync(Func<int> find, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (find() is var found && found == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"nothing found within {timeout}");
            await Task.Delay(50);
        }

        return find();
    }

    // o4o up again on the same home and ports, as an operator would after the kill.
    private static Process StartUpAgain(SupervisedUp up)
    {
        var start = new ProcessStartInfo(Path.Combine(O4OProcess.RepositoryRoot(), "o4o"), ["up"]) { WorkingDirectory = up.Home.Root };
        start.Environment["O4O_HOME"] = up.Home.Root;
        start.Environment["O4O_CONFIGURATION"] = "Debug";
        start.Environment["O4O__Database__Port"] = up.Up.DatabasePort.ToString(CultureInfo.InvariantCulture);
        start.Environment["O4O__Platform__Port"] = up.Up.PlatformPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["O4O__Dashboard__Port"] = up.Up.DashboardPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["O4O__Admin__Email"] = O4OProcess.AdminEmail;
        start.Environment["O4O__Admin__Password"] = O4OProcess.AdminPassword;
        return Process.Start(start)!;
    }
}
