using System.Net.Http.Json;
using System.Text.Json;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Patroni;
using O4O.Recovery.Processes;
using O4O.Recovery.Supervision;
using Xunit.Abstractions;

namespace O4O.EndToEnd.Tests.Patroni;

/// <summary>
/// The leader lost under a steady order load, on real etcd, Patroni and PostgreSQL: orders are accepted again without a
/// restart of the platform, and every order a customer heard 201 (or 200) for is in the database once.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_leaders_postmaster_under_an_order_load_promotes_the_standby_and_loses_no_acknowledged_order()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1);
        var before = await patroni.WaitForTopologyAsync(InSync, TimeSpan.FromSeconds(90));
        var (leader, standby) = (before.Leader!, before.Members.Single(member => member.Role == "sync_standby"));
        await using var load = await LoadAsync(patroni);

        var killedAt = DateTime.UtcNow;
        Assert.True(UnixProcess.Signal(Postmaster(patroni, leader.Name), UnixProcess.SigKill));

        await patroni.WaitForTopologyAsync(topology => topology.Leader?.Name == standby.Name, TimeSpan.FromSeconds(60));
        await load.WaitForOrderAfterAsync(killedAt, TimeSpan.FromSeconds(60));
        await RejoinedAsync(patroni, leader.Name, standby);
        await load.StopAndVerifyAsync(patroni, standby);
    }

    [Fact]
    public async Task Killing_the_leaders_Patroni_under_an_order_load_loses_no_acknowledged_order_and_the_member_is_back_under_Patroni()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1);
        var before = await patroni.WaitForTopologyAsync(InSync, TimeSpan.FromSeconds(90));
        var leader = before.Leader!;
        var killed = PatroniProcess(patroni, leader.Name);
        await using var load = await LoadAsync(patroni);

        Assert.True(UnixProcess.Signal(killed, UnixProcess.SigKill));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (PatroniProcesses(patroni, leader.Name).All(pid => pid == killed) && DateTime.UtcNow < deadline && await Delay())
        {
        }

        Assert.NotEqual(killed, PatroniProcess(patroni, leader.Name));
        await load.WaitForOrderAfterAsync(DateTime.UtcNow, TimeSpan.FromSeconds(60));
        var after = await patroni.WaitForTopologyAsync(InSync, TimeSpan.FromSeconds(90));
        var restarted = Assert.Single(await patroni.Up.EventsAsync("database"), e => e.Kind == RecoveryEventKind.Action);
        Assert.Equal($"started Patroni of {leader.Name} again", restarted.Done);
        // Patroni back within its ttl still holds the leader key: it keeps its PostgreSQL leading, and no order even waited.
        Assert.Equal(leader.Name, after.Leader!.Name);
        await load.StopAndVerifyAsync(patroni, after.Leader);
    }

    [Fact]
    public async Task Switchover_under_an_order_load_loses_no_acknowledged_order_and_the_old_leader_streams_from_the_new_one()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1);
        var before = await patroni.WaitForTopologyAsync(InSync, TimeSpan.FromSeconds(90));
        var (leader, standby) = (before.Leader!, before.Members.Single(member => member.Role == "sync_standby"));
        await using var load = await LoadAsync(patroni);

        var switchedAt = DateTime.UtcNow;
        var switched = await patroni.Up.CliAsync("switchover", standby.Name);

        Assert.True(switched.ExitCode == 0, $"{switched.ExitCode}: {switched.StandardError}");
        await load.WaitForOrderAfterAsync(switchedAt, TimeSpan.FromSeconds(60));
        await RejoinedAsync(patroni, leader.Name, standby);
        await load.StopAndVerifyAsync(patroni, standby);
    }

    [Fact]
    public async Task A_read_and_an_order_sent_once_while_the_leader_is_down_are_answered_by_the_new_leader()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1);
        var before = await patroni.WaitForTopologyAsync(InSync, TimeSpan.FromSeconds(90));
        var productId = await ProductAsync(patroni);
        using var customer = await patroni.Up.SignedInAsync(admin: false);
        customer.Timeout = TimeSpan.FromSeconds(60);

        Assert.True(UnixProcess.Signal(Postmaster(patroni, before.Leader!.Name), UnixProcess.SigKill));
        var sinceKill = System.Diagnostics.Stopwatch.StartNew();
        var read = customer.GetAsync("api/v1/products");
        using var order = new HttpRequestMessage(HttpMethod.Post, "api/v1/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { productId, quantity = 1 } } }),
        };
        order.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var placed = await customer.SendAsync(order);
        var acceptedAfter = sinceKill.Elapsed;
        using var listed = await read;

        Assert.Equal(System.Net.HttpStatusCode.Created, placed.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, listed.StatusCode);
        Assert.NotEqual(before.Leader.Name, (await patroni.Rest.ClusterAsync(CancellationToken.None))?.Leader?.Name);
        output.WriteLine($"the order sent at the kill was accepted {acceptedAfter.TotalSeconds:0.0} s after it");
    }

    private static bool InSync(PatroniTopology topology) =>
        topology.Leader is not null && topology.Members.Count == 2 && topology.Members.Any(member => member.Role == "sync_standby" && member.State == "running" && member.Lag == 0);

    // The old leader comes back as the new leader's standby: Patroni rewinds it (pg_rewind) and it streams again.
    private static async Task RejoinedAsync(PatroniUp patroni, string oldLeader, PatroniMemberState newLeader)
    {
        var after = await patroni.WaitForTopologyAsync(topology => topology.Leader?.Name == newLeader.Name && topology.Members.Any(member =>
            member.Name == oldLeader && member.Role is "sync_standby" or "replica" && member.State == "running" && member.Timeline == topology.Leader.Timeline),
            TimeSpan.FromSeconds(90));
        await using var onLeader = patroni.Member(after.Leader!.Port!.Value);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? state;
        do
        {
            await using var streaming = onLeader.CreateCommand($"SELECT state FROM pg_stat_replication WHERE application_name = '{oldLeader}'");
            state = await streaming.ExecuteScalarAsync() as string;
        }
        while (state != "streaming" && DateTime.UtcNow < deadline && await Delay());
        Assert.Equal("streaming", state);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(200);
        return true;
    }

    private static async Task<long> ProductAsync(PatroniUp patroni)
    {
        using var admin = await patroni.Up.SignedInAsync(admin: true);
        using var product = await admin.PostAsJsonAsync("api/v1/products", new { sku = "FAILOVER-1", name = "Failover", price = 1.5m, stock = 1_000_000 });
        return (await product.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<RunningLoad> LoadAsync(PatroniUp patroni)
    {
        var productId = await ProductAsync(patroni);
        var customers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => patroni.Up.SignedInAsync(admin: false)));
        var load = new RunningLoad(customers, new OrderLoad(customers, productId));
        await load.WaitForOrderAfterAsync(DateTime.UtcNow.AddSeconds(1), TimeSpan.FromSeconds(30));
        return load;
    }

    private static int Postmaster(PatroniUp patroni, string member) =>
        int.Parse(File.ReadLines(Path.Combine(patroni.Up.Home.Patroni, member, "data", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    private static int PatroniProcess(PatroniUp patroni, string member) => Assert.Single(PatroniProcesses(patroni, member));

    private static List<int> PatroniProcesses(PatroniUp patroni, string member)
    {
        var configuration = Path.Combine(patroni.Up.Home.Patroni, member, "patroni.yml");
        return [.. Directory.GetDirectories("/proc").Select(directory => Path.GetFileName(directory)).Where(name => name.All(char.IsAsciiDigit))
            .Select(int.Parse).Where(pid => Read($"/proc/{pid}/cmdline").Split('\0').Contains(configuration))];
    }

    private static string Read(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private sealed class RunningLoad : IAsyncDisposable
    {
        private readonly HttpClient[] _customers;
        private readonly OrderLoad _load;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        public RunningLoad(HttpClient[] customers, OrderLoad load)
        {
            (_customers, _load) = (customers, load);
            _running = load.RunAsync(_stop.Token);
        }

        public async Task WaitForOrderAfterAsync(DateTime after, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!_load.Created.Values.Any(order => order.AnsweredAt > after))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no order was accepted within {timeout} after {after:O} ({_load.Created.Count} before, {_load.Retries} retries)");
                await Task.Delay(100);
            }
        }

        // Every acknowledged order is on the new leader under its own key, and no key has two orders.
        public async Task StopAndVerifyAsync(PatroniUp patroni, PatroniMemberState leader)
        {
            await _stop.CancelAsync();
            await _running;
            await using var database = patroni.Member(leader.Port!.Value);
            var stored = new Dictionary<string, long>();
            await using (var orders = database.CreateCommand("SELECT idempotency_key, id FROM orders WHERE idempotency_key IS NOT NULL"))
            await using (var reader = await orders.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    Assert.True(stored.TryAdd(reader.GetString(0), reader.GetInt64(1)), $"two orders under the key {reader.GetString(0)}");
                }
            }

            var missing = _load.Created.Where(order => !stored.TryGetValue(order.Key, out var id) || id != order.Value.Id).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {_load.Created.Count} acknowledged orders are missing: {string.Join(", ", missing.Select(order => order.Value.Id))}");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            _stop.Dispose();
            foreach (var customer in _customers)
            {
                customer.Dispose();
            }
        }
    }
}
