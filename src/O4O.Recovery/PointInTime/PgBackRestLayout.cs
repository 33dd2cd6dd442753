using O4O.Recovery.Configuration;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Where pgBackRest keeps everything for a home: <c>$O4O_HOME/pgbackrest</c>, owned by the service user (mode 0700), with
/// its configuration, the local repository, the asynchronous archiver's spool, its locks and logs, and the directory of
/// the cluster's unix socket (pgBackRest reaches PostgreSQL only through one).
/// </summary>
/// <param name="Root">The directory.</param>
internal sealed record PgBackRestLayout(string Root)
{
    /// <summary>The layout of <paramref name="home"/>.</summary>
    public static PgBackRestLayout For(O4OHome home) => new(home.PgBackRest);

    /// <summary>The configuration file the conductor writes (the operator never edits it).</summary>
    public string ConfigurationFile => Path.Combine(Root, "pgbackrest.conf");

    /// <summary>The off-site repository's configuration, written only when <c>Offsite:Endpoint</c> is set.</summary>
    public string OffsiteConfigurationFile => Path.Combine(Root, "offsite.conf");

    /// <summary>The local repository: backup sets and archived WAL.</summary>
    public string Repository => Path.Combine(Root, "repo");

    /// <summary>The asynchronous archiver's queue.</summary>
    public string Spool => Path.Combine(Root, "spool");

    /// <summary>pgBackRest's lock files.</summary>
    public string Locks => Path.Combine(Root, "lock");

    /// <summary>The locks of the off-site repository's commands, apart from the live archiver's.</summary>
    public string OffsiteLocks => Path.Combine(Root, "lock-offsite");

    /// <summary>Where segments fetched from the local repository wait for their push to the off-site one.</summary>
    public string OffsiteShipping => Path.Combine(Root, "offsite-wal");

    /// <summary>pgBackRest's own logs.</summary>
    public string Logs => Path.Combine(Root, "log");

    /// <summary>The managed cluster's unix socket directory.</summary>
    public string Socket => Path.Combine(Root, "socket");

    /// <summary>The directories, in creation order.</summary>
    public IEnumerable<string> Directories => [Root, Repository, Spool, Locks, OffsiteLocks, OffsiteShipping, Logs, Socket];
}
