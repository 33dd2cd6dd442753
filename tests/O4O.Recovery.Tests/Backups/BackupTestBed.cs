using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;
using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

/// <summary>A temporary O4O home with a backup directory, pointed at a fresh platform-like database.</summary>
public sealed class BackupTestBed : IDisposable
{
    private BackupTestBed(ManagedPostgresFixture postgres, string databaseName)
    {
        Postgres = postgres;
        Home = new O4OHome(Directory.CreateTempSubdirectory("o4o-backup-test-").FullName);
        BackupDirectory = Path.Combine(Home.Root, "backups");
        Directory.CreateDirectory(BackupDirectory);
        Server = new ResolvedDatabaseServer(postgres.Cluster.ConnectionString(), databaseName, PostgresBinaries.Locate());
        Catalogue = new BackupCatalogue(Home.StateDatabase, BackupDirectory);
    }

    public ManagedPostgresFixture Postgres { get; }

    public O4OHome Home { get; }

    public string BackupDirectory { get; }

    public ResolvedDatabaseServer Server { get; }

    public BackupCatalogue Catalogue { get; }

    /// <summary>The platform database's connection string.</summary>
    public string Database => Server.ConnectionString(Server.DatabaseName);

    /// <summary>A test bed whose database holds the platform's tables, seeded unless told otherwise.</summary>
    public static async Task<BackupTestBed> CreateAsync(ManagedPostgresFixture postgres, bool seed = true)
    {
        // Short names: the restore keeps the replaced database as <name>_broken_<timestamp>, within 63 bytes.
        var name = "p" + Guid.NewGuid().ToString("N")[..12];
        await postgres.Cluster.EnsureDatabaseAsync(name);
        await PlatformSchema.CreateAsync(postgres.Cluster.ConnectionString(name), seed);
        return new BackupTestBed(postgres, name);
    }

    public DatabaseRestore Restore() => new(Home, Server, Catalogue, TimeProvider.System);

    /// <summary>A connection string for another database on the same server.</summary>
    public string ConnectionString(string database) => Server.ConnectionString(database);

    public BackupCreator Creator() => new(Home, BackupDirectory, Server, TimeProvider.System);

    public async Task<BackupResult> BackupAsync()
    {
        var result = await Creator().CreateAsync(includeSecrets: false, Catalogue.KnownHash, progress: null, CancellationToken.None);
        Catalogue.Record(result);
        return result;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(Home.Root, recursive: true);
    }
}
