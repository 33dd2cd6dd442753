using System.Net.Sockets;
using Npgsql;
using O4O.Recovery.Postgres;
using O4O.Recovery.Supervision;
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

        var error = await Assert.ThrowsAsync<ComponentPortInUseException>(() => fixture.Cluster.StartAsync());
        Assert.Equal(port, error.Port);
        Assert.Equal("O4O__Database__Port", error.Setting);
    }

    [Fact]
    public async Task The_platform_database_and_what_the_superuser_made_in_it_are_handed_to_an_owner_that_is_not_superuser()
    {
        await using var fixture = new TemporaryCluster();
        await fixture.Cluster.InitializeAsync();
        await fixture.Cluster.StartAsync();
        await fixture.Cluster.EnsureDatabaseAsync("shop");
        // What an older version left: the platform's schema, made by the superuser it connected as.
        await ExecuteAsync(fixture.Cluster.ConnectionString("shop"), """
            CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total int);
            CREATE SEQUENCE invoice_numbers;
            CREATE VIEW large_orders AS SELECT * FROM orders WHERE total > 100;
            CREATE TYPE order_state AS ENUM ('open', 'paid');
            CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders';
            """);
        var passwordFile = Path.Combine(fixture.Home, "secrets", "o4o_app.password");

        await fixture.Cluster.EnsureOwnerAsync("shop", passwordFile);
        await fixture.Cluster.EnsureOwnerAsync("shop", passwordFile);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
        var asOwner = new NpgsqlConnectionStringBuilder(fixture.Cluster.ConnectionString("shop"))
        {
            Username = OwnerRole.Name,
            Password = File.ReadAllText(passwordFile).Trim(),
            Pooling = false,
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(asOwner);
        await connection.OpenAsync();
        Assert.Equal("f f f", await ScalarAsync(connection, "SELECT concat_ws(' ', rolsuper, rolcreatedb, rolcreaterole) FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal("", await ScalarAsync(connection, """
            SELECT concat_ws(', ', (SELECT string_agg(relname, ', ') FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relowner <> current_user::regrole),
                (SELECT string_agg(typname, ', ') FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typowner <> current_user::regrole),
                (SELECT string_agg(proname, ', ') FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proowner <> current_user::regrole),
                (SELECT datname FROM pg_database WHERE datname = current_database() AND datdba <> current_user::regrole))
            """));
        // It migrates and serves, and reaches nothing beyond its database.
        await ExecuteAsync(asOwner, "ALTER TABLE orders ADD COLUMN note text; INSERT INTO orders (total) VALUES (120); SELECT nextval('invoice_numbers'), order_count()");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(asOwner, "CREATE DATABASE elsewhere"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync();
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

        public string Home => _home;

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await Cluster.StopAsync();
            Directory.Delete(_home, recursive: true);
        }
    }
}
