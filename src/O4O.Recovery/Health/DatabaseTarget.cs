using System.Globalization;
using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Health;

/// <summary>
/// Where the platform's database is and how to log in: the managed cluster's superuser, or whatever an
/// external connection string names. Renders as an Npgsql connection string or a libpq URI.
/// </summary>
/// <param name="Host">Server host name or address.</param>
/// <param name="Port">Server TCP port.</param>
/// <param name="Username">The role to log in as.</param>
/// <param name="Password">The role's password; null when the server needs none (or a .pgpass supplies it).</param>
/// <param name="Database">The database name.</param>
public sealed record DatabaseTarget(string Host, int Port, string Username, string? Password, string Database)
{
    /// <summary>The text shown instead of a password unless secrets are asked for.</summary>
    public const string Mask = "****";

    /// <summary>
    /// The platform's database: the external server of <see cref="DatabaseOptions.ConnectionString"/> when set,
    /// else the managed cluster on 127.0.0.1 as its superuser (on <paramref name="port"/>, e.g. the running
    /// conductor's, else the configured port).
    /// </summary>
    /// <exception cref="InvalidConnectionStringException">The configured external connection string is malformed.</exception>
    public static DatabaseTarget ForPlatform(O4OHome home, DatabaseOptions options, int? port = null)
    {
        if (options.EffectiveMode == DatabaseMode.External)
        {
            try
            {
                return FromConnectionString(options.ConnectionString!, options.Name);
            }
            catch (ArgumentException exception)
            {
                throw new InvalidConnectionStringException(exception);
            }
        }

        var password = File.Exists(home.PostgresPasswordFile) ? File.ReadAllText(home.PostgresPasswordFile).Trim() : null;
        var first = port ?? options.Port;
        return new DatabaseTarget("127.0.0.1", first, ManagedCluster.Superuser, password, options.Name)
        {
            Members = options.IsPatroni ? [.. options.MemberPorts.Select(member => $"127.0.0.1:{member.ToString(CultureInfo.InvariantCulture)}")] : [],
        };
    }

    /// <summary>
    /// Every member of a replicated cluster, <c>host:port</c>, when there are several: a connection goes to whichever
    /// of them accepts writes (libpq's and Npgsql's <c>target_session_attrs=read-write</c>), so it finds the leader
    /// after a failover without being told. Empty for a single server.
    /// </summary>
    public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>Reads host, port, user, password and database from an Npgsql (key=value) connection string.</summary>
    /// <exception cref="ArgumentException">The connection string is malformed.</exception>
    public static DatabaseTarget FromConnectionString(string connectionString, string defaultDatabase = "postgres")
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new DatabaseTarget(
            string.IsNullOrEmpty(builder.Host) ? "localhost" : builder.Host,
            builder.Port,
            string.IsNullOrEmpty(builder.Username) ? Environment.UserName : builder.Username,
            builder.Password,
            string.IsNullOrEmpty(builder.Database) ? defaultDatabase : builder.Database);
    }

    /// <summary>An Npgsql connection string for this target.</summary>
    public string ToConnectionString()
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Members.Count > 0 ? string.Join(',', Members) : Host,
            Port = Port,
            Username = Username,
            Password = Password,
            Database = Database,
        };
        if (Members.Count > 0)
        {
            builder.TargetSessionAttributes = "read-write";
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// A libpq URI, <c>postgresql://user:password@host:port/database</c>, every part percent-encoded so that
    /// psql, pg_dump and pgbench read it back exactly. The password is <see cref="Mask"/> unless <paramref name="showSecrets"/>.
    /// </summary>
    public string ToUri(bool showSecrets = false)
    {
        var password = Password is null ? "" : ":" + (showSecrets ? Uri.EscapeDataString(Password) : Mask);
        // An IPv6 literal must be bracketed in a URI.
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Uri.EscapeDataString(Host);
        var prefix = $"postgresql://{Uri.EscapeDataString(Username)}{password}@";
        return Members.Count > 0
            ? $"{prefix}{string.Join(',', Members)}/{Uri.EscapeDataString(Database)}?target_session_attrs=read-write"
            : string.Create(CultureInfo.InvariantCulture, $"{prefix}{host}:{Port}/{Uri.EscapeDataString(Database)}");
    }

    /// <summary>The server's address, <c>host:port</c> (every member's, comma-separated), for tables and messages.</summary>
    public string Address => Members.Count > 0 ? string.Join(',', Members) : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}

/// <summary><c>Database:ConnectionString</c> is not a valid connection string.</summary>
/// <param name="inner">Npgsql's complaint.</param>
public sealed class InvalidConnectionStringException(ArgumentException inner)
    : Exception($"Database:ConnectionString (O4O__Database__ConnectionString) is not a valid connection string: {inner.Message}", inner);
