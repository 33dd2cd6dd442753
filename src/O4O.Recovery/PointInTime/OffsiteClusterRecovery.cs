using System.Globalization;
using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Postgres;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// The cluster of a lost machine, back from pgBackRest's off-site repository into a staged home
/// (<see cref="Offsite.BareMachineRestore"/>): the set is restored into its data directory, a recovery instance replays every
/// archived WAL segment and promotes where the archive ends (the last archived moment), and is shut down cleanly, fit to run
/// as the live cluster once the staged home is renamed into place (<see cref="ClusterHandover"/>). The superuser's password
/// in the restored catalogue is the lost machine's, which is nowhere else: the recovery instance listens on no TCP address,
/// only on a unix socket in a directory of the service user's, and admits the superuser there by trust, so that the new
/// password in the staged <c>secrets/</c> can be set once replay is done.
/// </summary>
internal static class OffsiteClusterRecovery
{
    /// <summary>Restores <paramref name="set"/> from the off-site repository into <paramref name="staged"/>'s data directory and replays to the end of the archive.</summary>
    /// <param name="staged">The staged home, its pgBackRest configured with the off-site repository and its superuser password file written.</param>
    /// <param name="live">The home it will be renamed into.</param>
    /// <param name="set">The backup set.</param>
    /// <param name="binaries">The server programs.</param>
    /// <param name="timeout">How long replay may take.</param>
    /// <param name="cancellationToken">Stops it; the staged home is then discarded by the caller.</param>
    /// <returns>When the last replayed transaction committed; null when replay applied none.</returns>
    /// <exception cref="PgBackRestException">pgBackRest could not restore the set.</exception>
    /// <exception cref="ClusterStartException">Replay failed (the server log in the data directory says why) or did not finish in time.</exception>
    public static async Task<DateTimeOffset?> RecoverAsync(O4OHome staged, O4OHome live, PhysicalBackupSet set, PostgresBinaries binaries, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        // The off-site repository's own configuration and secrets: the recovery's archive-get reads the bucket too.
        var pgBackRest = PgBackRest.For(staged).Offsite;
        PrivateFiles.CreateDirectory(staged.PostgresData);
        await ServiceUser.GiveAsync(staged.PostgresData, cancellationToken);
        await pgBackRest.RunAsync("restore", [
            PgBackRestOffsite.RepositoryOption(PgBackRestOffsite.Remote), $"--pg1-path={staged.PostgresData}", $"--set={set.Label}",
            // Its WAL reaches the repositories once it runs live, from the conductor's archiver.
            "--archive-mode=off",
            $"--process-max={Math.Max(1, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture)}",
        ], cancellationToken);

        var trust = Path.Combine(staged.PostgresData, "o4o-recovery-hba.conf");
        AtomicFile.WriteAllText(trust, $"local all {ManagedCluster.Superuser} trust\n");
        await ServiceUser.GiveAsync(trust, cancellationToken);
        // Replay fetches segments ahead of itself, several at a time, into a queue of its own (pgBackRest's asynchronous
        // archive-get, which its restore command takes from the server's environment), instead of one synchronous fetch
        // from the bucket per segment.
        var queue = Path.Combine(staged.Root, "replay-queue");
        PrivateFiles.CreateDirectory(queue);
        await ServiceUser.GiveAsync(queue, cancellationToken);
        var cluster = new ManagedCluster(staged.PostgresData, staged.PostgresPasswordFile, LoopbackPort.Free(), binaries)
        {
            Host = pgBackRest.Layout.Socket,
            Environment = new Dictionary<string, string>(pgBackRest.Environment) { ["PGBACKREST_ARCHIVE_ASYNC"] = "y", ["PGBACKREST_SPOOL_PATH"] = queue },
            Settings = new Dictionary<string, string>
            {
                ["listen_addresses"] = "",
                ["unix_socket_directories"] = pgBackRest.Layout.Socket,
                ["hba_file"] = trust,
                // Connections wait for the end of replay: the start returns once the server has promoted.
                ["hot_standby"] = "off",
                ["archive_mode"] = "off",
            },
        };
        DateTimeOffset? lastTransaction;
        try
        {
            await cluster.StartAsync(timeout, cancellationToken);
            lastTransaction = await SetPasswordAsync(cluster, timeout, cancellationToken);
        }
        finally
        {
            await cluster.StopAsync(TimeSpan.FromMinutes(2));
        }

        File.Delete(trust);
        await RemoveQueueAsync(queue, cancellationToken);
        foreach (var written in ClusterHandover.Prepare(staged.PostgresData, live.PostgresData, [], (staged.Root, live.Root)))
        {
            await ServiceUser.GiveAsync(written, cancellationToken);
        }

        return lastTransaction;
    }

    // pgBackRest's fetcher may still be writing its last not-found marker into the queue as the server stops.
    private static async Task RemoveQueueAsync(string queue, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(queue, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(500, cancellationToken);
            }
        }
    }

    private static async Task<DateTimeOffset?> SetPasswordAsync(ManagedCluster cluster, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString() + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        var deadline = DateTime.UtcNow + timeout;
        while (await ScalarAsync<bool>(connection, "SELECT pg_is_in_recovery()", cancellationToken))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new ClusterStartException($"the restored cluster was still in recovery after {timeout.TotalMinutes:0} minutes.");
            }

            await Task.Delay(100, cancellationToken);
        }

        // Generated hex; a role's password cannot be a parameter.
        await ScalarAsync<object>(connection, $"ALTER ROLE {ManagedCluster.Superuser} PASSWORD '{cluster.Password}'", cancellationToken);
        var last = await ScalarAsync<object>(connection, "SELECT pg_last_xact_replay_timestamp()", cancellationToken);
        return last is DateTime at ? new DateTimeOffset(at.ToUniversalTime()) : null;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
