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
}
