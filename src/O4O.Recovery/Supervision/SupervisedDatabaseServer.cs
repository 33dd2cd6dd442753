using O4O.Recovery.Configuration;
using O4O.Recovery.Health;
using O4O.Recovery.Patroni;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Supervision;

/// <summary>
/// The platform's database server as the conductor sees it: the managed cluster in <c>$O4O_HOME/pg</c>
/// (initialised on first run, started as a child, stopped on exit), etcd and the Patroni members under
/// <c>$O4O_HOME/patroni</c> (started and stopped with the conductor, kept running by Patroni), or an external server it only points at.
/// Backups and restores find a running server with <see cref="Backups.ResolvedDatabaseServer"/> instead. With
/// <see cref="ArchivingOptions.Enabled"/> the managed cluster archives its WAL through pgBackRest from its first start.
/// </summary>
/// <param name="home">The O4O home.</param>
/// <param name="options">Where the database is.</param>
/// <param name="archiving">WAL archiving's settings.</param>
/// <param name="journal">Where putting right an interrupted full-cluster restore goes on the record.</param>
/// <param name="time">The clock.</param>
internal sealed class SupervisedDatabaseServer(O4OHome home, DatabaseOptions options, ArchivingOptions archiving, IRecoveryJournal journal, TimeProvider time)
    : IAsyncDisposable
{
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(20);
    private ManagedCluster? _cluster;
    private PatroniCluster? _patroni;

    /// <summary>The off-site bucket, pgBackRest's second repository when its endpoint is set.</summary>
    public OffsiteOptions Offsite { get; init; } = new();

    /// <summary>The postmaster's process id; null for an external server or before the start.</summary>
    public int? ProcessId => _cluster?.Postmaster?.Id;

    /// <summary>Completes with the postmaster's exit code when it exits; never, for an external server.</summary>
    public Task<int> Exited { get; private set; } = new TaskCompletionSource<int>().Task;

    /// <summary>
    /// Makes the platform's database available and returns where it is: for the managed cluster, initialises it
    /// (with data checksums) on first run, starts it and creates the database.
    /// </summary>
    /// <exception cref="PostgresNotInstalledException">initdb or postgres is missing.</exception>
    /// <exception cref="ComponentPortInUseException">The configured port is taken.</exception>
    /// <exception cref="ClusterStartException">The cluster cannot be initialised or started.</exception>
    public async Task<DatabaseTarget> StartAsync(IConductorObserver observer, CancellationToken cancellationToken)
    {
        if (options.IsPatroni)
        {
            return await StartPatroniAsync(observer, cancellationToken);
        }

        if (!options.IsManaged)
        {
            return DatabaseTarget.ForPlatform(home, options);
        }

        // A full restore killed between its renames leaves no data directory: the old one goes back, never a new initdb.
        await InterruptedClusterSwap.PutRightAsync(home, journal, "auto-recovery", time, cancellationToken);
        if (InterruptedClusterSwap.Find(home) is { } swap && !Directory.Exists(swap.Live))
        {
            throw new ClusterStartException($"A full-cluster restore is replacing {swap.Live}; the old data directory is {swap.Kept}.");
        }

        _cluster = new ManagedCluster(home.PostgresData, home.PostgresPasswordFile, options.Port, PostgresBinaries.Locate(options.BinDirectory))
        {
            Settings = archiving.Enabled ? await ArchivingSettingsAsync(cancellationToken) : new Dictionary<string, string>(),
        };
        // Not cancellable: initdb stopped halfway leaves a directory that is neither empty nor a cluster, which
        // the next start refuses. It takes a second or two; the stop request is honoured right after.
        if (await _cluster.InitializeAsync(CancellationToken.None))
        {
            observer.ClusterInitialized(_cluster.DataDirectory);
        }

        await _cluster.StartAsync(cancellationToken: cancellationToken);

        var postmaster = _cluster.Postmaster!;
        Exited = ExitCodeOf(postmaster);
        if (await _cluster.EnsureDatabaseAsync(options.Name, cancellationToken))
        {
            observer.DatabaseCreated(options.Name);
        }

        await _cluster.EnsureOwnerAsync(options.Name, home.OwnerPasswordFile, cancellationToken);
        return DatabaseTarget.ForPlatform(home, options);
    }

    // Patroni keeps its members running from here on; the conductor makes the platform's database on the leader, found
    // by the multi-host connection string as the platform finds it.
    private async Task<DatabaseTarget> StartPatroniAsync(IConductorObserver observer, CancellationToken cancellationToken)
    {
        if (!options.ObservesPatroni)
        {
            _patroni ??= new PatroniCluster(home, options, PostgresBinaries.Locate(options.BinDirectory), journal, time);
            await _patroni.StartAsync(cancellationToken);
        }

        // After the start, which writes the superuser's password on the first run. A cluster on other hosts has nothing to
        // start here: the platform connects to the members Patroni lists.
        var target = options.ObservesPatroni
            ? await PatroniMembers.TargetAsync(PatroniRest.For(options), DatabaseTarget.ForPlatform(home, options), cancellationToken)
            : DatabaseTarget.ForPlatform(home, options);

        string Superuser(string database) => (target with { Database = database }).ToConnectionString();
        if (await ManagedCluster.EnsureDatabaseAsync(Superuser, options.Name, cancellationToken))
        {
            observer.DatabaseCreated(options.Name);
        }

        await ManagedCluster.EnsureOwnerAsync(Superuser, options.Name, home.OwnerPasswordFile, cancellationToken);
        return target;
    }

    private async Task<IReadOnlyDictionary<string, string>> ArchivingSettingsAsync(CancellationToken cancellationToken)
    {
        var pgBackRest = PgBackRest.For(home);
        await pgBackRest.ConfigureAsync(Path.GetFullPath(home.PostgresData), options.Port, archiving, Offsite, cancellationToken);
        return pgBackRest.ServerSettings(archiving);
    }

    /// <summary>
    /// How the platform itself logs in to <paramref name="target"/>: on the managed cluster as the database's owner role,
    /// never as the superuser; on an external server as its connection string says.
    /// </summary>
    public DatabaseTarget PlatformLogin(DatabaseTarget target) => options.IsManaged || options.IsPatroni
        ? target with { Username = OwnerRole.Name, Password = File.ReadAllText(home.OwnerPasswordFile).Trim() }
        : target;

    /// <summary>
    /// Before each start of the platform: on the managed cluster, puts the platform's role back in step with its password
    /// file when the file's password no longer logs in. <c>o4o secrets rotate</c> writes the new password to the file
    /// inside the transaction that changes the role; killed between the two, it leaves the file ahead of the role, and
    /// the platform restarted with that file would find its database refusing it until the cluster's next start.
    /// </summary>
    public async Task AlignPlatformLoginAsync(DatabaseTarget target, CancellationToken cancellationToken)
    {
        if (!options.IsManaged || _cluster is null)
        {
            return;
        }

        try
        {
            await using var login = new Npgsql.NpgsqlConnection(PlatformLogin(target).ToConnectionString() + ";Pooling=false");
            await login.OpenAsync(cancellationToken);
            return;
        }
        catch (Npgsql.PostgresException exception) when (exception.SqlState == Npgsql.PostgresErrorCodes.InvalidPassword)
        {
            // The file is the authority: a rotation that wrote it meant its password to be the role's.
        }

        await _cluster.EnsureOwnerAsync(options.Name, home.OwnerPasswordFile, cancellationToken);
        await journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.PlatformComponent, RecoveryEventKind.Action,
            $"the role {OwnerRole.Name} refused the password in {home.OwnerPasswordFile} (a secrets rotation interrupted before its commit)",
            "set the role's password from the file", "the platform logs in with the password its file holds"), cancellationToken);
    }

    /// <summary>True for the managed cluster, which the conductor can restart; false for an external server and for Patroni's members.</summary>
    public bool IsManaged => options.IsManaged;

    /// <summary>
    /// Stops the managed cluster (fast shutdown, SIGKILL after <paramref name="timeout"/>, default 20 s) or the Patroni
    /// members and etcd; nothing for an external server.
    /// </summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_cluster is not null)
        {
            await _cluster.StopAsync(timeout ?? _stopTimeout);
        }

        if (_patroni is not null)
        {
            await _patroni.StopAsync(timeout ?? _stopTimeout);
        }
    }

    private static async Task<int> ExitCodeOf(System.Diagnostics.Process postmaster)
    {
        await postmaster.WaitForExitAsync(CancellationToken.None);
        try
        {
            return postmaster.ExitCode;
        }
        catch (InvalidOperationException)
        {
            // Disposed by a stop that raced this read: the exit was requested, its code does not matter.
            return -1;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();
}
