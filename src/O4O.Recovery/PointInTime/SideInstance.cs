using System.Globalization;
using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Postgres;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// A second PostgreSQL beside the live one, where a point-in-time restore is replayed and checked before anything goes
/// live: <c>$O4O_HOME/pitr</c> (the service user's, 0700, on the home's filesystem so a full restore moves it into place by
/// rename) holds its data directory, its own unix socket directory, its server log, and the lock and spool directories of
/// its <c>archive-get</c>. It listens on a free loopback port and never archives: its WAL must not reach the live repository.
/// </summary>
internal sealed class SideInstance : IAsyncDisposable
{
    private readonly O4OHome _home;
    private ManagedCluster? _cluster;

    private SideInstance(O4OHome home) => _home = home;

    /// <summary>The side instance's directory for <paramref name="home"/>.</summary>
    public static string RootOf(O4OHome home) => Path.Combine(home.Root, "pitr");

    /// <summary><c>$O4O_HOME/pitr</c>.</summary>
    public string Root => RootOf(_home);

    /// <summary>The restored data directory.</summary>
    public string DataDirectory => Path.Combine(Root, "data");

    /// <summary>The server log the replay is confirmed from.</summary>
    public string LogFile => Path.Combine(Root, "log", "side.log");

    /// <summary>
    /// Where its restore command's <c>archive-get</c> keeps its lock and its queue of fetched segments. pgBackRest's
    /// asynchronous <c>archive-get</c> and <c>archive-push</c> take the same lock: in the live cluster's lock directory, the
    /// side instance's fetching kept the live archiver from pushing (a minute's lag per clash) and the other way round.
    /// pgBackRest writes these options into the restore command it sets.
    /// </summary>
    public IReadOnlyList<string> ArchiveGetOptions => [$"--lock-path={Path.Combine(Root, "lock")}", $"--spool-path={Path.Combine(Root, "spool")}"];

    /// <summary>The running server, once started.</summary>
    public ManagedCluster? Cluster => _cluster;

    /// <summary>
    /// Removes whatever an interrupted run left (see <see cref="SideInstanceLeftover"/>), then creates the empty directories
    /// and records them in the journal before pgBackRest writes a byte.
    /// </summary>
    public static async Task<SideInstance> PrepareAsync(O4OHome home, string target, TimeProvider time, CancellationToken cancellationToken)
    {
        await SideInstanceLeftover.RemoveAsync(home, cancellationToken);
        var side = new SideInstance(home);
        SideInstanceLeftover.Record(home, new SideInstanceRecord(side.Root, target, time.GetUtcNow()));
        foreach (var directory in new[] { side.Root, side.DataDirectory, Path.Combine(side.Root, "socket"), Path.Combine(side.Root, "log"),
                     Path.Combine(side.Root, "lock"), Path.Combine(side.Root, "spool") })
        {
            PrivateFiles.CreateDirectory(directory);
        }

        await ServiceUser.GiveAsync(side.Root, cancellationToken);
        return side;
    }

    /// <summary>Restores <paramref name="set"/> into the data directory, to stop at <paramref name="target"/> and pause there.</summary>
    /// <exception cref="PgBackRestException">pgBackRest refused or failed.</exception>
    public Task RestoreAsync(PgBackRest pgBackRest, PhysicalBackupSet set, RecoveryTarget target, CancellationToken cancellationToken) =>
        pgBackRest.RunAsync("restore", [
            $"--pg1-path={DataDirectory}", $"--set={set.Label}", .. target.RestoreOptions, .. ArchiveGetOptions,
            // Its WAL must never reach the live repository, even when it is started by hand.
            "--archive-mode=off",
            // The restore is on the shop's way back: every core decompresses.
            $"--process-max={Math.Max(1, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture)}",
        ], cancellationToken);

    /// <summary>Starts the server on a free loopback port; it replays WAL from the archive towards the target.</summary>
    /// <exception cref="ClusterStartException">It exited before it accepted connections (the log says why).</exception>
    public async Task StartAsync(PostgresBinaries binaries, TimeSpan replayTimeout, CancellationToken cancellationToken)
    {
        _cluster = new ManagedCluster(DataDirectory, _home.PostgresPasswordFile, LoopbackPort.Free(), binaries)
        {
            Settings = new Dictionary<string, string>
            {
                ["archive_mode"] = "off",
                ["hot_standby"] = "on",
                ["unix_socket_directories"] = Path.Combine(Root, "socket"),
                ["log_directory"] = Path.GetDirectoryName(LogFile)!,
                ["log_filename"] = Path.GetFileName(LogFile),
                ["log_truncate_on_rotation"] = "off",
                ["log_rotation_age"] = "0",
            },
        };
        await _cluster.StartAsync(replayTimeout, cancellationToken);
    }

    /// <summary>A checkpoint now: what replay left in the buffers is written while other work goes on, not at the shutdown.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        // As long as it takes: the shutdown would write the same.
        await using var connection = new NpgsqlConnection(Cluster!.ConnectionString() + ";Pooling=false;Command Timeout=0");
        await connection.OpenAsync(cancellationToken);
        await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Fast shutdown, for a full restore that moves the directory into the live cluster's place: it must start clean there.</summary>
    public async Task ShutDownAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAsync(TimeSpan.FromMinutes(2));
            _cluster = null;
        }
    }

    /// <summary>Stops the server at once: nothing it holds needs to be kept on disk in order.</summary>
    public async Task StopAsync()
    {
        if (_cluster is not null)
        {
            await SideInstanceLeftover.StopPostmasterAsync(DataDirectory, SideInstanceLeftover.SigQuit, CancellationToken.None);
            await _cluster.StopAsync(TimeSpan.FromSeconds(10));
            _cluster = null;
        }
    }

    /// <summary>Stops the server and removes the directory and its journal.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await SideInstanceLeftover.RemoveAsync(_home, CancellationToken.None);
    }
}
