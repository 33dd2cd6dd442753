using O4O.Tests.Shared;

namespace O4O.Platform.Tests;

/// <summary>All platform tests share one throwaway cluster; each test gets its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<ManagedPostgresFixture>
{
    public const string Name = "platform";
}
