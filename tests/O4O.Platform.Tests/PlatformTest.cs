using Npgsql;
using O4O.Recovery.Postgres;
using O4O.Tests.Shared;

namespace O4O.Platform.Tests;

/// <summary>A test with its own platform and database, started before and disposed after it.</summary>
[Collection(PlatformCollection.Name)]
public abstract class PlatformTest(ManagedPostgresFixture postgres) : IAsyncLifetime
{
    protected ManagedPostgresFixture Postgres { get; } = postgres;

    protected PlatformFactory Platform { get; private set; } = null!;

    public async Task InitializeAsync() => Platform = await PlatformFactory.StartAsync(Postgres);

    public async Task DisposeAsync() => await Platform.DisposeAsync();

    /// <summary>Shuts the platform's database off the way a restore's swap does: refuse new sessions, end the open ones.</summary>
    protected async Task SetConnectionsAllowedAsync(bool allowed)
    {
        var database = new NpgsqlConnectionStringBuilder(Platform.ConnectionString).Database!;
        await using var connection = new NpgsqlConnection(Postgres.Cluster.ConnectionString());
        await connection.OpenAsync();
        var quoted = ManagedCluster.QuoteIdentifier(database);
        await using var command = new NpgsqlCommand(
            $"ALTER DATABASE {quoted} ALLOW_CONNECTIONS {allowed}; " +
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid();",
            connection);
        await command.ExecuteNonQueryAsync();
    }
}
