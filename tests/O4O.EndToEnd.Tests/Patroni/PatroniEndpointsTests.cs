using System.Net.Http.Json;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.EndToEnd.Tests.Patroni;

/// <summary><c>Database:Patroni:Endpoints</c>: <c>o4o up</c> against a Patroni cluster it does not run, here one another <c>o4o up</c> runs.</summary>
public sealed class PatroniEndpointsTests
{
    [Fact]
    public async Task With_endpoints_o4o_up_starts_no_etcd_and_no_members_connects_to_the_members_Patroni_lists_and_observes_them()
    {
        await using var cluster = await PatroniUp.StartAsync(replicas: 1);
        await cluster.WaitForTopologyAsync(
            topology => topology.Leader is not null && topology.Members.Any(member => member.Role == "sync_standby"), TimeSpan.FromSeconds(60));
        var settings = new Dictionary<string, string> { ["O4O__Database__Mode"] = "patroni" };
        for (var index = 0; index < cluster.RestPorts.Count; index++)
        {
            settings[$"O4O__Database__Patroni__Endpoints__{index}"] = $"http://127.0.0.1:{cluster.RestPorts[index]}/";
        }

        // The cluster's superuser and the platform's role log in with passwords the operator brings from it.
        await using var observer = await SupervisedUp.StartAsync(settings, prepareHome: home =>
        {
            var secrets = new O4OHome(home).Secrets;
            PrivateFiles.CreateDirectory(secrets);
            foreach (var file in new[] { cluster.Up.Home.PostgresPasswordFile, cluster.Up.Home.OwnerPasswordFile })
            {
                AtomicFile.WriteAllText(Path.Combine(secrets, Path.GetFileName(file)), File.ReadAllText(file));
            }
        });

        Assert.DoesNotContain(PatroniModeTests.ChildrenOf(observer.Up.Pid),
            command => command.StartsWith("etcd ", StringComparison.Ordinal) || command.Contains("patroni", StringComparison.Ordinal));
        Assert.False(Directory.Exists(observer.Home.Patroni), "an observing conductor made a Patroni directory");
        var platform = await File.ReadAllTextAsync($"/proc/{observer.PlatformPid}/environ");
        var connection = platform.Split('\0').Single(variable => variable.StartsWith("O4O__Database__ConnectionString=", StringComparison.Ordinal));
        Assert.Contains($"Host=127.0.0.1:{cluster.MemberPorts[0]},127.0.0.1:{cluster.MemberPorts[1]};", connection);
        using var admin = await observer.SignedInAsync(admin: true);
        using var created = await admin.PostAsJsonAsync("api/v1/products", new { sku = "EP-1", name = "Through the endpoints", price = 2m, stock = 3 });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var members = await PatroniTopologyTests.WaitForStatusMembersAsync(observer, members => members.Count == 2);
        Assert.Contains(members, member => member.GetProperty("role").GetString() == "leader");
    }
}
