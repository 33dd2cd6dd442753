using System.Net.Sockets;
using Npgsql;
using O4O.Recovery.Postgres;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Postgres;

public sealed class ManagedClusterTests
{
    [Fact]
    public async Task A_new_cluster_has_data_checksums_and_answers_on_loopback_only()
    {
        await using var fixture = new TemporaryCluster();
        await fixture.Cluster.InitializeAsync();
        await fixture.Cluster.StartAsync();

        await using var connection = new NpgsqlConnection(fixture.Cluster.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('data_checksums') || ' ' || current_setting('listen_addresses')", connection);
        Assert.Equal("on 127.0.0.1", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Stop_ends_the_postmaster_and_a_second_start_reuses_the_data()
    {
        await using var fixture = new TemporaryCluster();
        await fixture.Cluster.InitializeAsync();
        await fixture.Cluster.StartAsync();
        await fixture.Cluster.EnsureDatabaseAsync("kept");
        var pid = fixture.Cluster.Postmaster!.Id;

        await fixture.Cluster.StopAsync();
        Assert.False(O4O.Recovery.Processes.UnixProcess.IsAlive(pid));

        Assert.False(await fixture.Cluster.InitializeAsync());
        await fixture.Cluster.StartAsync();
        Assert.False(await fixture.Cluster.EnsureDatabaseAsync("kept"));
    }

    [Fact]
    public async Task An_occupied_port_is_reported_as_such()
    {
        using var squatter = new TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        await using var fixture = new TemporaryCluster(port);
        await fixture.Cluster.InitializeAsync();

        var error = await Assert.ThrowsAsync<PortInUseException>(() => fixture.Cluster.StartAsync());
        Assert.Equal(port, error.Port);
    }

    private sealed class TemporaryCluster : IAsyncDisposable
    {
        private readonly string _home = Directory.CreateTempSubdirectory("o4o-cluster-").FullName;

        public TemporaryCluster(int? port = null)
        {
            File.SetUnixFileMode(_home, (UnixFileMode)0b111_101_101);
            Cluster = new ManagedCluster(Path.Combine(_home, "pg"), Path.Combine(_home, "postgres.password"), port ?? FreePort.Next());
        }

        public ManagedCluster Cluster { get; }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await Cluster.StopAsync();
            Directory.Delete(_home, recursive: true);
        }
    }
}
