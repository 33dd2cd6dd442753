using O4O.Recovery.IO;

namespace O4O.Recovery.Configuration;

/// <summary>
/// The O4O home directory (<c>$O4O_HOME</c>, default <c>./.o4o</c>) and where each thing lives in it.
/// Recovery state lives here, never in the database it recovers.
/// </summary>
/// <param name="Root">The absolute path of the home directory.</param>
public sealed record O4OHome(string Root)
{
    /// <summary>The environment variable naming the home directory.</summary>
    public const string EnvironmentVariable = "O4O_HOME";

    /// <summary>The home named by <c>$O4O_HOME</c>, else <c>./.o4o</c>.</summary>
    public static O4OHome FromEnvironment()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return new O4OHome(Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? ".o4o" : configured));
    }

    /// <summary>The configuration file, <c>o4o.json</c>.</summary>
    public string ConfigurationFile => Path.Combine(Root, "o4o.json");

    /// <summary>The managed PostgreSQL data directory.</summary>
    public string PostgresData => Path.Combine(Root, "pg");

    /// <summary>Secrets: the database passwords, the token signing key, the data-protection certificate. Mode 0700.</summary>
    public string Secrets => Path.Combine(Root, "secrets");

    /// <summary>The managed cluster's superuser password.</summary>
    public string PostgresPasswordFile => Path.Combine(Secrets, "postgres.password");

    /// <summary>In Patroni mode, etcd's data and each member's data directory, configuration and socket.</summary>
    public string Patroni => Path.Combine(Root, "patroni");

    /// <summary>In Patroni mode, the password the standbys stream from the leader with (role <c>replicator</c>).</summary>
    public string ReplicationPasswordFile => Path.Combine(Secrets, "replicator.password");

    /// <summary>The password of the role the platform connects to the managed cluster as (<c>o4o_app</c>).</summary>
    public string OwnerPasswordFile => Path.Combine(Secrets, "o4o_app.password");

    /// <summary>The key that signs the platform's bearer tokens.</summary>
    public string SigningKeyFile => Path.Combine(Secrets, "jwt-signing.key");

    /// <summary>Log files: <c>app.log</c>, <c>error.log</c>, <c>conductor.log</c>.</summary>
    public string Logs => Path.Combine(Root, "logs");

    /// <summary>The default backup directory.</summary>
    public string Backups => Path.Combine(Root, "backups");

    /// <summary>
    /// pgBackRest's configuration, repository, spool, lock and log, owned by the conductor (and by <c>postgres</c>, which
    /// runs pgBackRest as it runs the cluster).
    /// </summary>
    public string PgBackRest => Path.Combine(Root, "pgbackrest");

    /// <summary>Recovery state (SQLite): incidents, events, backup catalogue, settings.</summary>
    public string StateDatabase => Path.Combine(Root, "state.db");

    /// <summary>Runtime files of the running conductor (process ids).</summary>
    public string Run => Path.Combine(Root, "run");

    /// <summary>The conductor's control socket (mode 0600: its permissions are the authentication).</summary>
    public string ControlSocket => Path.Combine(Root, "o4o.sock");

    /// <summary>The conductor's process record, read by <c>o4o status</c>.</summary>
    public string ConductorFile => Path.Combine(Run, "conductor.json");

    /// <summary>
    /// Creates the home and its directories if needed, owner-only from the start (see <see cref="PrivateFiles"/>).
    /// </summary>
    /// <exception cref="HomeNotWritableException">The directory cannot be created or written.</exception>
    public void EnsureCreated()
    {
        try
        {
            if (!Directory.Exists(Root))
            {
                PrivateFiles.CreateDirectory(Root);
                // The home itself holds no data, but as root the postgres user must pass through it to reach pg/.
                File.SetUnixFileMode(Root, RootMode);
            }

            foreach (var directory in new[] { Logs, Run, Secrets })
            {
                PrivateFiles.CreateDirectory(directory);
            }

            var probe = Path.Combine(Root, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            throw new HomeNotWritableException(Root, exception);
        }
    }

    /// <summary>
    /// Takes the group's and others' permissions off everything in the home that an older version (or a hand) left
    /// readable: the home itself keeps only what <c>postgres</c> needs to pass through.
    /// </summary>
    /// <returns>What it tightened, relative to the home; empty when nothing was loose.</returns>
    public IReadOnlyList<string> TightenPermissions() => PrivateFiles.Tighten(Root, RootMode);

    // --x for others only when the cluster runs as the postgres user: it cannot list the home, only pass through it.
    private static UnixFileMode RootMode => Environment.IsPrivilegedProcess
        ? PrivateFiles.DirectoryMode | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute
        : PrivateFiles.DirectoryMode;
}

/// <summary><c>$O4O_HOME</c> cannot be created or written.</summary>
public sealed class HomeNotWritableException(string root, Exception inner)
    : Exception($"O4O_HOME {root} is not writable: {inner.Message}", inner);
