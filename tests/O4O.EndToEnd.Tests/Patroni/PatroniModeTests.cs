using System.Net.Http.Json;
using System.Text.Json;
using O4O.Recovery.Processes;

namespace O4O.EndToEnd.Tests.Patroni;

public sealed class PatroniModeTests
{
    [Fact]
    public async Task Patroni_mode_runs_etcd_and_a_leader_with_a_synchronous_standby_and_the_platform_writes_through_a_multi_host_connection()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1);

        var topology = await patroni.WaitForTopologyAsync(
            topology => topology.Leader is not null && topology.Members.Any(member => member.Role == "sync_standby" && member.Lag == 0), TimeSpan.FromSeconds(60));
        Assert.Equal(["pg0", "pg1"], topology.Members.Select(member => member.Name).Order());
        Assert.Equal(patroni.MemberPorts, topology.Members.Select(member => member.Port ?? 0).Order());
        var home = patroni.Up.Home;
        foreach (var member in topology.Members)
        {
            var directory = Path.Combine(home.Patroni, member.Name);
            Assert.True(File.Exists(Path.Combine(directory, "data", "PG_VERSION")), $"{member.Name} has no data directory of its own");
            Assert.True(File.Exists(Path.Combine(directory, "run", $".s.PGSQL.{member.Port}")), $"{member.Name} has no socket of its own");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "patroni.yml")));
        }

        var platform = await File.ReadAllTextAsync($"/proc/{patroni.Up.PlatformPid}/environ");
        var connection = platform.Split('\0').Single(variable => variable.StartsWith("O4O__Database__ConnectionString=", StringComparison.Ordinal));
        Assert.Contains($"Host=127.0.0.1:{patroni.MemberPorts[0]},127.0.0.1:{patroni.MemberPorts[1]};", connection);
        Assert.Contains("Target Session Attributes=read-write", connection);

        using var admin = await patroni.Up.SignedInAsync(admin: true);
        using var created = await admin.PostAsJsonAsync("api/v1/products", new { sku = "HA-1", name = "On two members", price = 1.5m, stock = 10 });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var standby = topology.Members.Single(member => member.Role == "sync_standby");
        await using var onStandby = patroni.Member(standby.Port!.Value);
        await using var find = onStandby.CreateCommand($"SELECT name FROM products WHERE id = {id}");
        Assert.Equal("On two members", await find.ExecuteScalarAsync());
        await using var recovery = onStandby.CreateCommand("SELECT pg_is_in_recovery()");
        Assert.Equal(true, await recovery.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Stopping_the_conductor_stops_every_member_and_etcd_it_started()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1);
        await patroni.WaitForTopologyAsync(topology => topology.Leader is not null, TimeSpan.FromSeconds(60));
        var children = ChildrenOf(patroni.Up.Up.Pid);
        Assert.Contains(children, command => command.StartsWith("etcd ", StringComparison.Ordinal));
        Assert.Equal(2, children.Count(command => command.Contains("patroni.yml", StringComparison.Ordinal)));

        UnixProcess.Signal(patroni.Up.Up.Pid, UnixProcess.SigTerm);
        Assert.True(await patroni.Up.Up.WaitForExitAsync(TimeSpan.FromSeconds(60)), patroni.Up.Up.Output);

        Assert.Null(await patroni.Rest.ClusterAsync(CancellationToken.None));
        Assert.All(Directory.GetDirectories(patroni.Up.Home.Patroni, "pg*"),
            member => Assert.False(File.Exists(Path.Combine(member, "data", "postmaster.pid")), $"{member}'s PostgreSQL was left running"));
        Assert.Empty(ChildrenOf(patroni.Up.Up.Pid));
    }

    [Fact]
    public async Task Etcd_and_members_left_by_a_conductor_killed_with_kill_9_are_stopped_by_the_next_up_which_runs_its_own_and_serves()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1);
        await patroni.WaitForTopologyAsync(topology => topology.Leader is not null && topology.Members.Any(member => member.Role == "sync_standby"),
            TimeSpan.FromSeconds(60));
        var conductor = patroni.Up.Up.RecordedPids()[0];
        UnixProcess.Signal(conductor, UnixProcess.SigKill);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (UnixProcess.IsAlive(conductor) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var left = Leftovers(patroni);
        Assert.Equal((1, 2), (left.Etcd.Count, left.Members.Count));

        await using var again = await PatroniUp.StartAgainAsync(patroni);

        var now = Leftovers(patroni);
        Assert.Equal((1, 2), (now.Etcd.Count, now.Members.Count));
        Assert.Empty(now.Etcd.Concat(now.Members).Intersect(left.Etcd.Concat(left.Members)));
        var children = ChildrenOf(again.Up.Up.Pid);
        Assert.Contains(children, command => command.StartsWith("etcd ", StringComparison.Ordinal));
        Assert.Equal(2, children.Count(command => command.Contains("patroni.yml", StringComparison.Ordinal)));
        await again.WaitForTopologyAsync(topology => topology.Leader is not null, TimeSpan.FromSeconds(60));
        using var admin = await again.Up.SignedInAsync(admin: true);
        using var created = await admin.PostAsJsonAsync("api/v1/products", new { sku = "AGAIN-1", name = "After kill -9", price = 1m, stock = 1 });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);

        // Stopped as an operator would, so its members' PostgreSQL is gone before the shared home is removed.
        UnixProcess.Signal(again.Up.Up.Pid, UnixProcess.SigTerm);
        Assert.True(await again.Up.Up.WaitForExitAsync(TimeSpan.FromSeconds(60)), again.Up.Up.Output);
        deadline = DateTime.UtcNow.AddSeconds(20);
        while (patroni.Up.Up.ProcessesMentioningHome().Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Empty(patroni.Up.Up.ProcessesMentioningHome());
    }

    // etcd and Patroni processes of the first conductor's home, whoever their parent is now.
    private static (List<int> Etcd, List<int> Members) Leftovers(PatroniUp patroni)
    {
        var root = patroni.Up.Home.Patroni;
        var processes = Directory.GetDirectories("/proc")
            .Select(directory => (Pid: int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0, Arguments: Read(Path.Combine(directory, "cmdline")).Split('\0')))
            .Where(process => process.Pid > 0)
            .ToList();
        return ([.. processes.Where(process => Path.GetFileName(process.Arguments[0]) == "etcd" && process.Arguments.Contains(Path.Combine(root, "etcd"))).Select(process => process.Pid)],
            [.. processes.Where(process => process.Arguments.Any(argument => argument.StartsWith(root, StringComparison.Ordinal) && argument.EndsWith("patroni.yml", StringComparison.Ordinal))
                && !process.Arguments[0].EndsWith("sh", StringComparison.Ordinal) && !process.Arguments[0].EndsWith("setpriv", StringComparison.Ordinal)).Select(process => process.Pid)]);
    }

    [Fact]
    public async Task Switchover_hands_the_leader_role_to_the_named_standby_through_Patroni_and_the_platform_writes_on_the_new_leader()
    {
        await using var patroni = await PatroniUp.StartAsync(replicas: 1);
        var before = await patroni.WaitForTopologyAsync(
            topology => topology.Leader is not null && topology.Members.Any(member => member.Role == "sync_standby"), TimeSpan.FromSeconds(60));
        var standby = before.Members.Single(member => member.Role == "sync_standby");
        using var admin = await patroni.Up.SignedInAsync(admin: true);

        var switched = await patroni.Up.CliAsync("switchover", standby.Name);

        Assert.True(switched.ExitCode == 0, $"{switched.ExitCode}: {switched.StandardError}");
        Assert.Equal(standby.Name, switched.StandardOutput.Trim());
        // A promotion starts a new timeline, which Patroni publishes on its next loop.
        await patroni.WaitForTopologyAsync(topology => topology.Leader?.Name == standby.Name && topology.Leader.Timeline > before.Leader!.Timeline,
            TimeSpan.FromSeconds(30));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        System.Net.HttpStatusCode status;
        do
        {
            using var created = await admin.PostAsJsonAsync("api/v1/products", new { sku = $"AFTER-{Guid.NewGuid():N}", name = "After", price = 1m, stock = 1 });
            status = created.StatusCode;
        }
        while (status != System.Net.HttpStatusCode.Created && DateTime.UtcNow < deadline);
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
    }

    [Fact]
    public async Task Switchover_outside_Patroni_mode_is_one_line_and_exit_2()
    {
        await using var up = await Supervision.SupervisedUp.StartAsync();

        var refused = await up.CliAsync("switchover");

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("o4o: o4o switchover works in Patroni mode only (Database:Mode=patroni); the managed cluster has no standby to switch to.",
            refused.StandardError.Trim());
    }

    internal static List<string> ChildrenOf(int pid) =>
        [.. Directory.GetDirectories("/proc")
            .Where(directory => int.TryParse(Path.GetFileName(directory), out _))
            .Select(directory => (Status: Read(Path.Combine(directory, "status")), Command: Read(Path.Combine(directory, "cmdline")).Replace('\0', ' ')))
            .Where(process => process.Status.Contains($"\nPPid:\t{pid}\n", StringComparison.Ordinal))
            .Select(process => process.Command)];

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
}
