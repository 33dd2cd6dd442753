using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

/// <summary>Backup and restore tests share one throwaway cluster; each test takes its own databases.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<ManagedPostgresFixture>
{
    public const string Name = "postgres";
}
