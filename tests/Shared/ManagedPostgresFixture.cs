using Npgsql;
using O4O.Recovery.Postgres;
using O4O.Recovery.Supervision;

namespace O4O.Tests.Shared;

/// <summary>
/// A throwaway PostgreSQL cluster for a test class, started with the product's own <see cref="ManagedCluster"/>
/// in a temporary directory on a free port. Each test takes its own database, so tests run in parallel.
/// </summary>
public sealed class ManagedPostgresFixture : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("o4o-test-").FullName;

    public ManagedCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(_home, (UnixFileMode)0b111_101_101);
        Cluster = new ManagedCluster(Path.Combine(_home, "pg"), Path.Combine(_home, "secrets", "postgres.password"), FreePort.Next());
        await Cluster.InitializeAsync();
        await Cluster.StartAsync();
        // One cluster serves a whole test class or collection, each test a platform with its own connection pool:
        // PostgreSQL's default of 100 connections ran out ("53300: sorry, too many clients already").
        await using (var connection = new NpgsqlConnection(Cluster.ConnectionString() + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var raise = new NpgsqlCommand("ALTER SYSTEM SET max_connections = 400", connection);
            await raise.ExecuteNonQueryAsync();
        }

        await Cluster.StopAsync();
        await Cluster.StartAsync();
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await Cluster.EnsureDatabaseAsync(name);
        return Cluster.ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await Cluster.StopAsync();
        Directory.Delete(_home, recursive: true);
    }
}

/// <summary>Free TCP ports on the loopback interface for servers a test starts later: the product's own choice.</summary>
public static class FreePort
{
    public static int Next() => LoopbackPort.Free();

    /// <summary>The first of <paramref name="count"/> consecutive free ports, for servers that take a port each from a base (Patroni's members).</summary>
    public static int Run(int count)
    {
        while (true)
        {
            var first = Next();
            try
            {
                foreach (var port in Enumerable.Range(first + 1, count - 1))
                {
                    LoopbackPort.EnsureFree(port, "a test's port");
                }

                return first;
            }
            catch (ComponentPortInUseException)
            {
                // Taken by someone else: another base.
            }
        }
    }
}
