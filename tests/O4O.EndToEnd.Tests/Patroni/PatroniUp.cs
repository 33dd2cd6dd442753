using System.Globalization;
using Npgsql;
using O4O.EndToEnd.Tests.Supervision;
using O4O.Recovery.Configuration;
using O4O.Recovery.Patroni;
using O4O.Tests.Shared;

namespace O4O.EndToEnd.Tests.Patroni;

/// <summary>
/// <c>o4o up</c> in Patroni mode with its members, their REST APIs and etcd on free loopback ports, and what the tests
/// read from it: the topology as Patroni tells it, each member's database.
/// </summary>
internal sealed class PatroniUp : IAsyncDisposable
{
    private PatroniUp(SupervisedUp up, int firstPort, int firstRestPort, int members, IReadOnlyDictionary<string, string> settings)
    {
        Up = up;
        Settings = settings;
        MemberPorts = [.. Enumerable.Range(firstPort, members)];
        RestPorts = [.. Enumerable.Range(firstRestPort, members)];
        Rest = new PatroniRest([.. RestPorts.Select(port => new Uri($"http://127.0.0.1:{port}/"))]);
    }

    public SupervisedUp Up { get; }

    public IReadOnlyList<int> MemberPorts { get; }

    public IReadOnlyList<int> RestPorts { get; }

    /// <summary>The settings it was started with: its mode, ports and the test's own.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public PatroniRest Rest { get; }

    public static async Task<PatroniUp> StartAsync(int replicas, IReadOnlyDictionary<string, string>? environment = null)
    {
        var members = replicas + 1;
        var (port, rest, etcd) = (FreePort.Run(members), FreePort.Run(members), FreePort.Run(2));
        var settings = new Dictionary<string, string>
        {
            ["O4O__Database__Mode"] = "patroni",
            ["O4O__Database__Replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
            ["O4O__Database__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["O4O__Database__Patroni__RestPort"] = rest.ToString(CultureInfo.InvariantCulture),
            ["O4O__Database__Patroni__EtcdPort"] = etcd.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }

        return new PatroniUp(await SupervisedUp.StartAsync(settings), port, rest, members, settings);
    }

    /// <summary>
    /// A second <c>o4o up</c> on <paramref name="before"/>'s home with its settings (members, REST and etcd ports), as after a
    /// restart; the platform and the dashboard on ports of its own.
    /// </summary>
    public static async Task<PatroniUp> StartAgainAsync(PatroniUp before)
    {
        var settings = new Dictionary<string, string>(before.Settings) { [O4OHome.EnvironmentVariable] = before.Up.Home.Root };
        return new PatroniUp(await SupervisedUp.StartAsync(settings), before.MemberPorts[0], before.RestPorts[0], before.MemberPorts.Count, settings);
    }

    /// <summary>Waits until what Patroni reports meets <paramref name="condition"/>.</summary>
    public async Task<PatroniTopology> WaitForTopologyAsync(Func<PatroniTopology, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        PatroniTopology? topology = null;
        while (DateTime.UtcNow < deadline)
        {
            topology = await Rest.ClusterAsync(CancellationToken.None);
            if (topology is not null && condition(topology))
            {
                return topology;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"Patroni's topology did not arrive within {timeout}: {System.Text.Json.JsonSerializer.Serialize(topology)}\n{Up.Up.Output}");
        return null!;
    }

    /// <summary>The platform's database on one member, as the superuser, straight to that member.</summary>
    public NpgsqlDataSource Member(int port) => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Password = File.ReadAllText(Up.Home.PostgresPasswordFile).Trim(),
        Database = "o4o_platform",
        Pooling = false,
    }.ConnectionString);

    public ValueTask DisposeAsync() => Up.DisposeAsync();
}
