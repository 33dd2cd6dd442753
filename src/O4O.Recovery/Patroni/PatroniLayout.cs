using System.Globalization;
using System.Text.Json.Nodes;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Patroni;

/// <summary>
/// Where each part of a Patroni cluster on this machine lives under <c>$O4O_HOME/patroni</c> and what it listens on:
/// etcd, and per member (<c>pg0</c>, <c>pg1</c>, …) a directory with its configuration, data, unix socket and Patroni's log.
/// </summary>
internal sealed class PatroniLayout(O4OHome home, DatabaseOptions options)
{
    /// <summary>Patroni's scope, the name of the cluster in etcd.</summary>
    public const string Scope = "o4o";

    /// <summary>The role the standbys stream with.</summary>
    public const string ReplicationRole = "replicator";

    /// <summary>The root of it all, owned by the service user.</summary>
    public string Root => home.Patroni;

    /// <summary>etcd's data directory.</summary>
    public string EtcdData => Path.Combine(Root, "etcd");

    /// <summary>etcd's output.</summary>
    public string EtcdLog => Path.Combine(Root, "etcd.log");

    /// <summary>etcd's client address.</summary>
    public string EtcdClientUrl => Url(options.Patroni.EtcdPort);

    /// <summary>etcd's peer address (one member: only itself).</summary>
    public string EtcdPeerUrl => Url(options.Patroni.EtcdPort + 1);

    /// <summary>Every member, in order.</summary>
    public IReadOnlyList<PatroniMember> Members =>
    [
        .. options.MemberPorts.Select((port, index) => new PatroniMember($"pg{index.ToString(CultureInfo.InvariantCulture)}",
            Path.Combine(Root, $"pg{index.ToString(CultureInfo.InvariantCulture)}"), port, options.Patroni.RestPort + index)),
    ];

    /// <summary>
    /// <paramref name="member"/>'s Patroni configuration. JSON is YAML, and a serializer quotes every path and password
    /// correctly where hand-written YAML would not.
    /// </summary>
    public string Configuration(PatroniMember member, PostgresBinaries binaries, string superuserPassword, string replicationPassword)
    {
        var patroni = options.Patroni;
        var superuser = new JsonObject { ["username"] = ManagedCluster.Superuser, ["password"] = superuserPassword };
        var configuration = new JsonObject
        {
            ["scope"] = Scope,
            ["namespace"] = "/o4o/",
            ["name"] = member.Name,
            ["restapi"] = new JsonObject { ["listen"] = member.RestAddress, ["connect_address"] = member.RestAddress },
            ["etcd3"] = new JsonObject { ["hosts"] = EtcdClientUrl["http://".Length..] },
            ["bootstrap"] = new JsonObject
            {
                // Read once, when the cluster is created; later changes go through Patroni's /config.
                ["dcs"] = new JsonObject
                {
                    ["ttl"] = Seconds(patroni.Ttl),
                    ["loop_wait"] = Seconds(patroni.LoopWait),
                    ["retry_timeout"] = Seconds(patroni.RetryTimeout),
                    ["synchronous_mode"] = true,
                    ["synchronous_mode_strict"] = patroni.SynchronousModeStrict,
                    // A leader whose PostgreSQL crashed hands over to its synchronous standby at once rather than running
                    // crash recovery in place (Patroni's default waits 300 s for that): the standby holds every
                    // acknowledged commit, and the shop sells again within a loop instead of after a recovery of unknown length.
                    ["primary_start_timeout"] = 0,
                    // A leader killed mid-write may have WAL its standby never got: pg_rewind lets it rejoin without a new copy.
                    ["postgresql"] = new JsonObject { ["use_pg_rewind"] = true },
                },
                ["initdb"] = new JsonArray("data-checksums", new JsonObject { ["encoding"] = "UTF8" },
                    new JsonObject { ["locale"] = "C.UTF-8" }, new JsonObject { ["auth"] = "scram-sha-256" }),
            },
            ["postgresql"] = new JsonObject
            {
                ["listen"] = member.Address,
                ["connect_address"] = member.Address,
                ["data_dir"] = member.Data,
                ["bin_dir"] = binaries.BinDirectory,
                ["pgpass"] = Path.Combine(member.Directory, "pgpass"),
                ["authentication"] = new JsonObject
                {
                    ["superuser"] = superuser,
                    ["replication"] = new JsonObject { ["username"] = ReplicationRole, ["password"] = replicationPassword },
                    ["rewind"] = superuser.DeepClone(),
                },
                ["pg_hba"] = new JsonArray(
                    $"host replication {ReplicationRole} 127.0.0.1/32 scram-sha-256",
                    "host all all 127.0.0.1/32 scram-sha-256"),
                ["parameters"] = new JsonObject
                {
                    // Each member its own socket directory: two members must not both claim /var/run/postgresql/.s.PGSQL.5432.
                    ["unix_socket_directories"] = member.Sockets,
                    ["logging_collector"] = "on",
                    ["log_directory"] = "log",
                    ["log_filename"] = "postgresql-%a.log",
                    ["log_truncate_on_rotation"] = "on",
                    ["log_rotation_age"] = "1d",
                },
            },
        };
        return configuration.ToJsonString();
    }

    private static int Seconds(TimeSpan span) => (int)Math.Ceiling(span.TotalSeconds);

    private static string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
}

/// <summary>One Patroni-managed PostgreSQL member on this machine.</summary>
/// <param name="Name">Its name in Patroni (<c>pg0</c>).</param>
/// <param name="Directory">Its directory: <c>patroni.yml</c>, <c>data/</c>, <c>run/</c>, Patroni's log.</param>
/// <param name="Port">PostgreSQL's port on 127.0.0.1.</param>
/// <param name="RestPort">Patroni's REST API port on 127.0.0.1.</param>
internal sealed record PatroniMember(string Name, string Directory, int Port, int RestPort)
{
    /// <summary>The configuration file.</summary>
    public string ConfigurationFile => Path.Combine(Directory, "patroni.yml");

    /// <summary>Patroni's output (PostgreSQL's own log is in <c>data/log</c>).</summary>
    public string Log => Path.Combine(Directory, "patroni.log");

    /// <summary>The data directory.</summary>
    public string Data => Path.Combine(Directory, "data");

    /// <summary>The unix socket directory.</summary>
    public string Sockets => Path.Combine(Directory, "run");

    /// <summary>PostgreSQL's address.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Patroni's REST address.</summary>
    public string RestAddress => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{RestPort}");

}
