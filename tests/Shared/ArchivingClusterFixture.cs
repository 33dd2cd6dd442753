using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;

namespace O4O.Tests.Shared;

/// <summary>
/// A managed cluster that archives its WAL through pgBackRest, set up as the conductor sets it up (the product's own
/// <see cref="PgBackRest"/> and <see cref="ManagedCluster"/>) in a temporary home, on a free port, with the stanza
/// created and checked. Real pgBackRest, real PostgreSQL.
/// </summary>
public sealed class ArchivingClusterFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("o4o-pitr-").FullName;

    /// <summary>The temporary home: <c>pg/</c>, <c>pgbackrest/</c>, <c>secrets/</c>.</summary>
    public O4OHome Home { get; private set; } = null!;

    /// <summary>The running cluster.</summary>
    public ManagedCluster Cluster { get; private set; } = null!;

    /// <summary>The pgBackRest driver for <see cref="Home"/>.</summary>
    internal PgBackRest PgBackRest { get; private set; } = null!;

    /// <summary>The archiving settings it runs with (the defaults; a 1 s archive timeout so tests do not wait).</summary>
    public ArchivingOptions Options { get; } = new() { Timeout = TimeSpan.FromSeconds(1) };

    /// <summary>The off-site bucket, pgBackRest's second repository when its endpoint is set (none by default).</summary>
    public OffsiteOptions Offsite { get; init; } = new();

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        Home = new O4OHome(_root);
        PgBackRest = PgBackRest.For(Home);
        var port = FreePort.Next();
        await PgBackRest.ConfigureAsync(Path.GetFullPath(Home.PostgresData), port, Options, Offsite, CancellationToken.None);
        Cluster = new ManagedCluster(Home.PostgresData, Home.PostgresPasswordFile, port)
        {
            Settings = PgBackRest.ServerSettings(Options),
        };
        await Cluster.InitializeAsync();
        await Cluster.StartAsync();
        await PgBackRest.StanzaAndCheckAsync(CancellationToken.None);
    }

    /// <summary>Runs <paramref name="sql"/> in <paramref name="database"/> as the superuser and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // Null when the start failed before the cluster was made (a test of a refused configuration).
        if (Cluster is not null)
        {
            await Cluster.StopAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
