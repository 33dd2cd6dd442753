using System.Diagnostics;
using System.Globalization;
using System.Text;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Offsite;
using O4O.Recovery.Postgres;
using O4O.Recovery.Processes;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// pgBackRest for the managed cluster, as the conductor drives it: its configuration written from
/// <see cref="ArchivingOptions"/> into <see cref="PgBackRestLayout"/>, and every command run as the service user (like the
/// cluster), connecting through the cluster's private unix socket with the superuser's password in its environment. With
/// <see cref="OffsiteOptions.Endpoint"/> set, an S3 bucket is its second repository, encrypted (<see cref="PgBackRestOffsite"/>),
/// in a configuration of its own that only <see cref="Offsite"/> reads: the live cluster's archiving, the stanza check and the
/// local backups never touch the bucket, so a bucket that cannot be reached holds none of them back.
/// </summary>
internal sealed class PgBackRest
{
    private readonly O4OHome _home;
    private readonly bool _offsite;

    private PgBackRest(O4OHome home, bool offsite)
    {
        _home = home;
        _offsite = offsite;
        Layout = PgBackRestLayout.For(home);
    }

    /// <summary>The one stanza, named for the platform.</summary>
    public const string Stanza = "o4o";

    private const string Program = "pgbackrest";

    /// <summary>The driver for <paramref name="home"/>'s managed cluster.</summary>
    public static PgBackRest For(O4OHome home) => new(home, offsite: false);

    /// <summary>The driver of the off-site repository (<c>--repo=2</c>), from its own configuration and with its secrets.</summary>
    public PgBackRest Offsite => new(_home, offsite: true);

    /// <summary>The driver whose configuration holds <paramref name="repository"/> (1 local, 2 off-site).</summary>
    public PgBackRest ForRepository(int repository) => repository == PgBackRestOffsite.Remote ? Offsite : For(_home);

    /// <summary>The home whose cluster it backs up.</summary>
    public O4OHome Home => _home;

    /// <summary>Where its files are.</summary>
    public PgBackRestLayout Layout { get; }

    /// <summary>True when the configuration has been written (the conductor ran with archiving at least once).</summary>
    public bool IsConfigured => File.Exists(Layout.ConfigurationFile);

    /// <summary>PostgreSQL's <c>archive_command</c>: pgBackRest's asynchronous push of each finished segment to the local repository.</summary>
    public string ArchiveCommand => $"{Program} {Quoted($"--config={Layout.ConfigurationFile}")} --stanza={Stanza} archive-push %p";

    /// <summary>
    /// The server settings that archive WAL through pgBackRest: <c>wal_level=replica</c>, <c>archive_mode=on</c>, the archive
    /// command, <c>archive_timeout</c>, and the unix socket pgBackRest connects through.
    /// </summary>
    public IReadOnlyDictionary<string, string> ServerSettings(ArchivingOptions options) => new Dictionary<string, string>
    {
        ["wal_level"] = "replica",
        ["archive_mode"] = "on",
        ["archive_command"] = ArchiveCommand,
        ["archive_timeout"] = ((int)options.Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        ["unix_socket_directories"] = Layout.Socket,
    };

    /// <summary>
    /// Creates the directories (owner-only, handed to the service user) and writes the configuration for a cluster in
    /// <paramref name="dataDirectory"/> on <paramref name="port"/> when it differs from what is there.
    /// </summary>
    /// <exception cref="ClusterStartException">The home's path cannot hold the socket, or the files cannot be handed over.</exception>
    public Task ConfigureAsync(string dataDirectory, int port, ArchivingOptions options, CancellationToken cancellationToken) =>
        ConfigureAsync(dataDirectory, port, options, new OffsiteOptions(), cancellationToken);

    /// <summary>As above, with <paramref name="offsite"/>'s bucket as the second repository when it is enabled.</summary>
    /// <exception cref="ClusterStartException">The home's path cannot hold the socket, or the files cannot be handed over.</exception>
    public async Task ConfigureAsync(string dataDirectory, int port, ArchivingOptions options, OffsiteOptions offsite, CancellationToken cancellationToken)
    {
        // sun_path holds 108 bytes with its terminator: a longer socket path cannot be bound at all.
        if (Encoding.UTF8.GetByteCount(Path.Combine(Layout.Socket, $".s.PGSQL.{port}")) > 107)
        {
            throw new ClusterStartException(
                $"The path {Layout.Socket} is too long for PostgreSQL's unix socket, which pgBackRest needs: choose a shorter O4O_HOME.");
        }

        if (Layout.Root.Contains('\'', StringComparison.Ordinal))
        {
            throw new ClusterStartException($"The path {Layout.Root} holds a quote, which PostgreSQL's archive_command cannot carry: choose another O4O_HOME.");
        }

        foreach (var directory in Layout.Directories)
        {
            PrivateFiles.CreateDirectory(directory);
        }

        if (offsite.Enabled)
        {
            OffsiteSecrets.Prepare(_home, offsite);
        }

        await WriteAsync(Layout.ConfigurationFile, Configuration(dataDirectory, port, options, LocalRepository(options)), cancellationToken);
        if (offsite.Enabled)
        {
            // Its own locks: shipping WAL there never waits for the live archiver's lock, nor holds it.
            await WriteAsync(Layout.OffsiteConfigurationFile, Configuration(dataDirectory, port, options,
                [.. PgBackRestOffsite.RepositorySettings(offsite, options), $"lock-path={Layout.OffsiteLocks}"]), cancellationToken);
        }
        else
        {
            File.Delete(Layout.OffsiteConfigurationFile);
        }

        await ServiceUser.GiveAsync(Layout.Root, cancellationToken);
    }

    /// <summary>Runs <c>pgbackrest COMMAND</c> for the stanza with <paramref name="options"/>; throws with its error when it fails.</summary>
    /// <exception cref="PgBackRestException">It exited non-zero.</exception>
    public Task<string> RunAsync(string command, IEnumerable<string> options, CancellationToken cancellationToken) =>
        RunAsync(command, options, [], cancellationToken);

    /// <summary>
    /// Runs <c>pgbackrest COMMAND ARGUMENTS</c> (a path, a segment) with <paramref name="options"/>; throws with its error when it
    /// fails. On the off-site repository the endpoint is probed first (<see cref="OffsiteEndpointProbe"/>).
    /// </summary>
    /// <exception cref="PgBackRestException">It exited non-zero, or the off-site endpoint cannot be reached.</exception>
    public async Task<string> RunAsync(string command, IEnumerable<string> options, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        if (_offsite)
        {
            await OffsiteEndpointProbe.EnsureReachableAsync(Layout.OffsiteConfigurationFile, command, cancellationToken);
        }

        var start = Start(command, options);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var result = await CommandRunner.RunAsync(start, cancellationToken);
        return result.ExitCode == 0 ? result.StandardOutput : throw new PgBackRestException(command, ErrorOf(result));
    }

    /// <summary>The start of <c>pgbackrest COMMAND</c>, for a caller that streams its output.</summary>
    public ProcessStartInfo Start(string command, IEnumerable<string> options)
    {
        var configuration = _offsite ? Layout.OffsiteConfigurationFile : Layout.ConfigurationFile;
        var start = ServiceUser.Start(Program, [$"--config={configuration}", $"--stanza={Stanza}", .. options, command]);
        // The environment of a process is readable only by its own user: not on a command line, not in a file.
        start.Environment["PGPASSWORD"] = File.ReadAllText(_home.PostgresPasswordFile).Trim();
        foreach (var (name, value) in _offsite ? Environment : new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>The secrets of the off-site repository, which only <see cref="Offsite"/>'s processes get.</summary>
    public IReadOnlyDictionary<string, string> Environment => OffsiteSecrets.PgBackRestEnvironment(_home);

    /// <summary>Creates the stanza (or confirms it matches the cluster) and proves archiving to this driver's repository works end to end.</summary>
    /// <exception cref="PgBackRestException">Either step failed.</exception>
    public async Task StanzaAndCheckAsync(CancellationToken cancellationToken)
    {
        await RunAsync("stanza-create", [], cancellationToken);
        await RunAsync("check", [], cancellationToken);
    }

    /// <summary>
    /// Fetches the archived WAL segment <paramref name="segment"/> into <paramref name="destination"/> (a file the service
    /// user can write); false when the repository does not have it (yet).
    /// </summary>
    /// <exception cref="PgBackRestException">The repository could not be read.</exception>
    public async Task<bool> ArchiveGetAsync(string segment, string destination, CancellationToken cancellationToken)
    {
        // Synchronous: the asynchronous get takes the lock the live cluster's asynchronous archive-push takes, and would wait
        // out the archive timeout (a minute) while the archiver pushes, then fail.
        var start = Start("archive-get", ["--no-archive-async"]);
        start.ArgumentList.Add(segment);
        start.ArgumentList.Add(destination);
        var result = await CommandRunner.RunAsync(start, cancellationToken);
        // archive-get exits 1 for a segment the archive does not hold: how PostgreSQL's recovery learns it reached the end.
        return result.ExitCode switch
        {
            0 => true,
            1 => false,
            _ => throw new PgBackRestException("archive-get", ErrorOf(result)),
        };
    }

    /// <summary>What the local repository holds: backup sets and the archived WAL range.</summary>
    /// <exception cref="PgBackRestException">pgBackRest could not read it.</exception>
    public Task<RepositoryInfo> InfoAsync(CancellationToken cancellationToken) => InfoAsync(PgBackRestOffsite.Local, cancellationToken);

    /// <summary>What repository <paramref name="repository"/> (1 local, 2 off-site) holds.</summary>
    /// <exception cref="PgBackRestException">pgBackRest could not read it.</exception>
    public async Task<RepositoryInfo> InfoAsync(int repository, CancellationToken cancellationToken) =>
        RepositoryInfo.Parse(await ForRepository(repository).RunAsync("info", ["--output=json", PgBackRestOffsite.RepositoryOption(repository)], cancellationToken));

    /// <summary>The error pgBackRest gave: its first <c>ERROR:</c> line, else the last line it wrote.</summary>
    public static string ErrorOf(CommandResult result) =>
        $"{result.StandardOutput}\n{result.StandardError}".Split('\n', StringSplitOptions.TrimEntries)
            .FirstOrDefault(line => line.StartsWith("ERROR:", StringComparison.Ordinal)) ?? result.LastErrorLine;

    private static async Task WriteAsync(string file, string text, CancellationToken cancellationToken)
    {
        if (!File.Exists(file) || await File.ReadAllTextAsync(file, cancellationToken) != text)
        {
            AtomicFile.WriteAllText(file, text);
        }
    }

    // The local repository: the directory, which the live cluster's asynchronous archiver pushes to through its spool.
    private string[] LocalRepository(ArchivingOptions options) => [
        $"repo1-path={Layout.Repository}",
        $"repo1-retention-full={options.KeepFull.ToString(CultureInfo.InvariantCulture)}",
        $"spool-path={Layout.Spool}",
        $"lock-path={Layout.Locks}",
        "archive-async=y",
    ];

    private string Configuration(string dataDirectory, int port, ArchivingOptions options, IEnumerable<string> repository) => string.Join('\n', [
        "# Written by the O4O conductor from o4o.json's Archiving and Offsite sections; edits are overwritten.",
        "[global]",
        .. repository,
        $"log-path={Layout.Logs}",
        "log-level-console=warn",
        "log-level-file=info",
        // pgBackRest's own modes are 0640 and 0750 (the postgres group reads WAL); without its neutral umask it takes the
        // caller's: 077 from the conductor, the CLI and the postmaster, so the repository is owner-only as it is made.
        "neutral-umask=n",
        // lz4: a restore's decompression must not be what the shop waits for.
        "compress-type=lz4",
        $"process-max={options.ProcessMax.ToString(CultureInfo.InvariantCulture)}",
        // Without it a backup waits for the next scheduled checkpoint: minutes of nothing.
        "start-fast=y",
        "",
        $"[{Stanza}]",
        $"pg1-path={dataDirectory}",
        $"pg1-port={port.ToString(CultureInfo.InvariantCulture)}",
        $"pg1-socket-path={Layout.Socket}",
        $"pg1-user={ManagedCluster.Superuser}",
        "",
    ]);

    private static string Quoted(string value) => $"'{value}'";
}
