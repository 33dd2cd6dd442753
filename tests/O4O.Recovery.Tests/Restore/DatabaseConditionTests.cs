using O4O.Recovery.Health;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Restore;

/// <summary>A server that answers while the platform's database does not serve is named as such, not taken for a dead server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseConditionTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task A_database_that_refuses_connections_is_named_as_such_and_the_server_as_up()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await PlatformSchema.ScalarAsync(bed.ConnectionString("postgres"), $"ALTER DATABASE {bed.Server.DatabaseName} WITH ALLOW_CONNECTIONS false");

        var probe = await DatabaseProbe.ProbeAsync(bed.Database, TimeSpan.FromSeconds(5));

        Assert.False(probe.Healthy);
        Assert.True(probe.ServerAnswered);
        Assert.StartsWith($"database {bed.Server.DatabaseName} is reachable but refuses connections (datallowconn is false; the server is up)", probe.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_database_is_named_as_such()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await PlatformSchema.ScalarAsync(bed.ConnectionString("postgres"), $"ALTER DATABASE {bed.Server.DatabaseName} SET default_transaction_read_only = on");

        var probe = await DatabaseProbe.ProbeAsync(bed.Database, TimeSpan.FromSeconds(5));

        Assert.False(probe.Healthy);
        Assert.True(probe.ServerAnswered);
        Assert.Equal($"database {bed.Server.DatabaseName} is read-only (default_transaction_read_only is on): it answers reads but refuses writes", probe.Error);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_not_said_to_have_answered()
    {
        var probe = await DatabaseProbe.ProbeAsync($"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres", TimeSpan.FromSeconds(2));

        Assert.False(probe.Healthy);
        Assert.False(probe.ServerAnswered);
    }
}
