using System.Diagnostics;
using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;
using O4O.Recovery.Processes;

namespace O4O.Recovery.Backups;

/// <summary>
/// The PostgreSQL server that holds the platform's database, resolved from configuration for backups and restores,
/// which work with or without a conductor: <c>Database:ConnectionString</c> when set, else the managed cluster in
/// <c>$O4O_HOME/pg</c>, which must already be running. Only where to connect and with which binaries; starting and
/// stopping a server is <see cref="Supervision.SupervisedDatabaseServer"/>'s job.
/// </summary>
/// <param name="ServerConnectionString">A superuser connection string (database name ignored).</param>
/// <param name="DatabaseName">The platform's database, <c>o4o_platform</c> by default.</param>
/// <param name="Binaries">pg_dump and psql of the installed PostgreSQL.</param>
public sealed record ResolvedDatabaseServer(string ServerConnectionString, string DatabaseName, PostgresBinaries Binaries)
{
    /// <summary>Resolves the server from configuration.</summary>
    /// <exception cref="DatabaseUnavailableException">The managed cluster is not running.</exception>
    public static ResolvedDatabaseServer Resolve(O4OHome home, DatabaseOptions options)
    {
        var binaries = PostgresBinaries.Locate(options.BinDirectory);
        if (options.EffectiveMode == DatabaseMode.External)
        {
            return new ResolvedDatabaseServer(options.ConnectionString!, options.Name, binaries);
        }

        if (options.IsPatroni)
        {
            // Whichever member leads now, as the superuser; a backup or restore made during a failover waits for the next leader.
            return new ResolvedDatabaseServer(Health.DatabaseTarget.ForPlatform(home, options).ToConnectionString(), options.Name, binaries)
            {
                OwnerRole = Postgres.OwnerRole.Name,
            };
        }

        var pidFile = Path.Combine(home.PostgresData, "postmaster.pid");
        var running = File.Exists(pidFile)
            && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)
            && UnixProcess.IsAlive(pid);
        if (!running || !File.Exists(home.PostgresPasswordFile))
        {
            throw new DatabaseUnavailableException(
                $"The managed PostgreSQL in {home.PostgresData} is not running: start it with `o4o up`, or set O4O__Database__ConnectionString.");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = options.Port,
            Username = ManagedCluster.Superuser,
            Password = File.ReadAllText(home.PostgresPasswordFile).Trim(),
        };
        return new ResolvedDatabaseServer(builder.ConnectionString, options.Name, binaries) { OwnerRole = Postgres.OwnerRole.Name };
    }

    /// <summary>The role that must own a restored database: the managed cluster's owner role; null for an external server.</summary>
    public string? OwnerRole { get; init; }

    /// <summary>An unpooled connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database, Pooling = false, CommandTimeout = 0 }.ConnectionString;

    /// <summary>pg_dump of the platform database with <paramref name="arguments"/>, its output and errors redirected, the password in its environment.</summary>
    internal ProcessStartInfo PgDump(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Binaries.Tool("pg_dump"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--format=plain");
        start.ArgumentList.Add("--no-password");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in ToolEnvironment(DatabaseName))
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>libpq environment for pg_dump and psql, so the password never appears on a command line.</summary>
    public IReadOnlyDictionary<string, string> ToolEnvironment(string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString);
        var environment = new Dictionary<string, string>
        {
            ["PGHOST"] = builder.Host ?? "127.0.0.1",
            ["PGPORT"] = builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGDATABASE"] = database,
            ["PGCONNECT_TIMEOUT"] = "10",
        };
        if (builder.Username is { } user)
        {
            environment["PGUSER"] = user;
        }

        if (builder.Password is { } password)
        {
            environment["PGPASSWORD"] = password;
        }

        return environment;
    }

    /// <summary>Opens a connection to <paramref name="database"/>, turning "does not exist" into a clear error.</summary>
    /// <exception cref="DatabaseUnavailableException">The server is unreachable or the database does not exist.</exception>
    public async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString(database));
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            await connection.DisposeAsync();
            throw new DatabaseUnavailableException($"Database {database} does not exist on the server.");
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw new DatabaseUnavailableException($"Cannot connect to PostgreSQL: {exception.Message}");
        }
    }
}

/// <summary>The database server or database needed by a backup or restore cannot be reached.</summary>
public sealed class DatabaseUnavailableException(string message) : Exception(message);
