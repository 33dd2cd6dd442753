using Npgsql;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;
using O4O.Recovery.Restore;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// <c>o4o restore --to-time | --to-lsn | --before-incident</c>, and what <c>o4o recover</c> and AutoRecovery call to undo
/// damage: pgBackRest restores the newest backup set that stopped before the target into a side directory, a side
/// instance replays archived WAL to the target and pauses, and the target is confirmed reached (the server's
/// <c>recovery stopping …</c> line, replay paused) before anything goes live. Then the platform database is copied into
/// the live cluster's side database, verified, compared with the live one and swapped in (the replaced one kept), or,
/// for a full restore, the whole cluster replaced. Every step is an event on the record. The side instance is removed
/// whatever happens; a run killed mid-way leaves it to the next run or the conductor's start (<see cref="SideInstanceLeftover"/>).
/// </summary>
/// <param name="home">The O4O home.</param>
/// <param name="server">The live managed cluster.</param>
/// <param name="restore">The logical restore, whose side database and swap this one goes through.</param>
/// <param name="journal">Where each step goes on the record (event log, open incident).</param>
/// <param name="actor">Who restores: a person, or auto-recovery.</param>
/// <param name="time">The clock.</param>
public sealed partial class PointInTimeRestore(O4OHome home, ResolvedDatabaseServer server, DatabaseRestore restore, IRecoveryJournal journal, string actor, TimeProvider time)
{
    /// <summary>How long the side instance may replay WAL before the restore gives up.</summary>
    public static readonly TimeSpan ReplayTimeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Whether what the live database wrote after the target is carried into the restored copy in the swap (the default:
    /// orders taken after a <c>DELETE</c> are the shop's). Off for a return to the last clean state before ransomware,
    /// whose writes after the target are what is being undone.
    /// </summary>
    public bool CarryOver { get; init; } = true;

    private string Live => server.DatabaseName;

    /// <summary>Restores to <paramref name="target"/>; <paramref name="confirm"/> sees the plan and decides whether it goes live.</summary>
    /// <param name="target">Where to stop.</param>
    /// <param name="mode">The platform database only, or the whole cluster.</param>
    /// <param name="dryRun">Restore and confirm on the side instance, say what would change, change nothing live.</param>
    /// <param name="confirm">Asked once the restored data is ready; false leaves everything live as it was.</param>
    /// <param name="progress">Told as each step begins.</param>
    /// <param name="cancellationToken">Stops the restore; the live database is untouched unless the swap already committed.</param>
    /// <exception cref="RecoveryTargetException">The target cannot be reached; nothing changed.</exception>
    /// <exception cref="PgBackRestException">pgBackRest could not read the repository or restore the set; nothing changed.</exception>
    /// <exception cref="RestoreRefusedException">Archiving is not set up, or another restore runs.</exception>
    /// <exception cref="RestoreFailedException">The copy failed or did not verify; the live database is unchanged.</exception>
    public async Task<PointInTimeOutcome> RunAsync(RecoveryTarget target, PointInTimeMode mode, bool dryRun, Func<PointInTimePlan, bool> confirm,
        IProgress<PointInTimeProgress>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        using var restoreLock = InterruptedRestore.Lock(home);
        var pgBackRest = PgBackRest.For(home);
        if (!pgBackRest.IsConfigured)
        {
            throw new RestoreRefusedException($"WAL archiving is not set up in {home.PgBackRest}: a point-in-time restore needs the managed cluster run by o4o up.");
        }

        if (mode == PointInTimeMode.FullCluster && !dryRun && Supervision is null)
        {
            throw new RestoreRefusedException("A full-cluster restore needs the conductor (o4o up) running: it stops and starts the cluster.");
        }

        Task<bool>? flushing = null;
        try
        {
            if (InterruptedClusterSwap.PutRight(home) is { } putRight)
            {
                await RecordAsync(putRight, "", "done", cancellationToken);
            }

            // Closing the segment being written and waiting until it is archived takes seconds: it runs beside the choice
            // of the set and pgBackRest's restore of it, which need no new WAL, and is waited for before the replay, which
            // does. A target position is checked against the archive as the flush leaves it.
            flushing = ArchiveFlush.FlushAsync(server, cancellationToken);
            var flushed = new Lazy<Task>(async () =>
            {
                if (!await flushing)
                {
                    await RecordAsync("the WAL written in the last minute is not archived yet", "restoring from what is archived", "", cancellationToken);
                }
            });
            if (target.Position is not null)
            {
                await flushed.Value;
            }

            var repository = await pgBackRest.InfoAsync(cancellationToken);
            var set = target.ChooseSet(repository, time.GetUtcNow());
            var wal = $"{set.WalStart} … {repository.NewestWal}";
            await RecordAsync($"point-in-time restore to {target.Description}{(dryRun ? " (dry run)" : "")}",
                $"restoring backup set {set.Label} ({set.Type}, stopped {set.Stopped.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z at {set.StopLsn}) into a side instance; archived WAL {wal}",
                "", cancellationToken);
            await using var side = await SideInstance.PrepareAsync(home, target.Description, time, cancellationToken);
            var stop = await ReplayAsync(side, pgBackRest, set, target, flushed, progress, cancellationToken);
            var sideServer = new ResolvedDatabaseServer(side.Cluster!.ConnectionString(), Live, server.Binaries);
            var since = stop.LastTransactionAt ?? target.Time ?? set.Stopped;
            var full = mode == PointInTimeMode.FullCluster;
            PointInTimePlan Plan(IReadOnlyDictionary<string, long> rows, LiveComparison changes, string kept) =>
                new(target.Description, set.Label, wal, stop, rows, changes, full ? home.PostgresData : Live, kept);

            if (dryRun || full)
            {
                // Both sides counted at once; meanwhile a side instance that is to go live writes out what replay left in its
                // buffers, so that its shutdown before the swap has little left to write.
                var written = dryRun ? Task.CompletedTask : side.CheckpointAsync(cancellationToken);
                var counting = CountAsync(sideServer, cancellationToken);
                var changes = await LiveComparison.CompareAsync(server, Live, counting, since, cancellationToken);
                var plan = Plan(await counting, changes, full ? KeptDirectory : "");
                await written;
                if (!dryRun)
                {
                    return await ReplaceClusterAsync(side, plan, confirm, progress, cancellationToken);
                }

                await RecordAsync($"dry run of the point-in-time restore to {target.Description}", $"live against restored: {Differences.Describe(plan)}",
                    "nothing was changed", cancellationToken);
                return new PointInTimeOutcome(plan, false);
            }

            await using var admin = await RestoreDatabases.OpenAdminAsync(server, cancellationToken);
            CarriedRows? carriedRows = null;
            var (swapPlan, swapped) = await restore.SwapInAsync(admin, started,
                async (created, token) =>
                {
                    progress?.Report(new PointInTimeProgress(PointInTimeStep.Copy, $"{Live}_restore"));
                    var rows = await SideCopy.CopyAsync(sideServer, server, $"{Live}_restore", created, token);
                    progress?.Report(new PointInTimeProgress(PointInTimeStep.Verify, $"{Live}_restore"));
                    await ArchiveLoad.VerifyRowCountsAsync(server, $"{Live}_restore", rows, "the side instance", token);
                    // The copy's tables' files, before anything but the carry-over can write to it: damage right after the swap
                    // is searched for from here (the marks of the database it replaces name other files).
                    await TableFileMarking.MarkGoingLiveAsync(home, server.ConnectionString($"{Live}_restore"), rows, time, token);
                    return rows;
                },
                async (rows, kept, token) => Plan(rows, await LiveComparison.CompareAsync(server, Live, rows, since, token), kept),
                plan =>
                {
                    var yes = confirm(plan);
                    if (yes)
                    {
                        progress?.Report(new PointInTimeProgress(PointInTimeStep.Swap, plan.Kept));
                    }

                    return yes;
                }, cancellationToken, CarryOver ? token => CarryAsync(stop.Snapshot, carried => carriedRows = carried, token) : null);
            await RecordAsync($"restored {Live} to {target.Description} beside the live database; live against restored: {Differences.Describe(swapPlan)}",
                swapped ? $"swapped it in; the replaced database is kept as {swapPlan.Kept}{Carried(carriedRows)}" : "declined: nothing was swapped",
                swapped ? "done" : "declined", cancellationToken);
            return new PointInTimeOutcome(swapPlan, swapped);
        }
        catch (PgBackRestException exception)
        {
            await RecordAsync($"point-in-time restore to {target.Description} failed: {exception.Message}", "", Unchanged, CancellationToken.None);
            throw new RestoreFailedException($"{exception.Message}; {Unchanged}.", exception);
        }
        catch (Exception exception) when (exception is RecoveryTargetException or RestoreFailedException or RestoreRefusedException or ClusterStartException)
        {
            await RecordAsync($"point-in-time restore to {target.Description} failed: {exception.Message}", "", Unchanged, CancellationToken.None);
            throw;
        }
        finally
        {
            // A restore that failed before its replay leaves the flush to finish: it is not left running behind it.
            await (flushing?.ContinueWith(_ => { }, TaskScheduler.Default) ?? Task.CompletedTask);
        }
    }

    private static async Task<IReadOnlyDictionary<string, long>> CountAsync(ResolvedDatabaseServer side, CancellationToken cancellationToken) =>
        await SideCopy.CountAsync(side, cancellationToken);

    /// <summary>
    /// The swap's last work: what the live database wrote after the target (orders taken after a <c>DELETE</c>, say) is carried
    /// into the restored copy while the live database is closed (<see cref="CarryForward"/>).
    /// </summary>
    private async Task<SwapHandover> CarryAsync(string snapshot, Action<CarriedRows> done, CancellationToken cancellationToken)
    {
        var live = new NpgsqlConnection(server.ConnectionString(Live) + ";Pooling=false");
        var restored = new NpgsqlConnection(server.ConnectionString($"{Live}_restore") + ";Pooling=false");
        await live.OpenAsync(cancellationToken);
        await restored.OpenAsync(cancellationToken);
        return new SwapHandover(live, async token =>
        {
            done(await CarryForward.RunAsync(live, restored, snapshot, token));
            // The copy is renamed next, which no session may be on.
            await restored.CloseAsync();
        })
        { Also = restored };
    }

    private static string Carried(CarriedRows? carried) => carried is null || (carried.Total == 0 && carried.Skipped.Count == 0)
        ? ""
        : $"; carried over what the live database wrote after the target: {(carried.Total == 0 ? "nothing" : string.Join(", ", carried.Rows.Select(table => $"{table.Key} {table.Value}")))}"
            + (carried.Skipped.Count == 0 ? "" : $" (not carried: {string.Join("; ", carried.Skipped)})");

    /// <summary>Restores the set into the side directory, starts the side instance and confirms replay stopped at the target.</summary>
    private async Task<ReplayStop> ReplayAsync(SideInstance side, PgBackRest pgBackRest, PhysicalBackupSet set, RecoveryTarget target, Lazy<Task> flushed,
        IProgress<PointInTimeProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new PointInTimeProgress(PointInTimeStep.Restore, set.Label));
        await side.RestoreAsync(pgBackRest, set, target, cancellationToken);
        await flushed.Value;
        progress?.Report(new PointInTimeProgress(PointInTimeStep.Replay, target.Description));
        try
        {
            await side.StartAsync(server.Binaries, ReplayTimeout, cancellationToken);
        }
        catch (ClusterStartException)
        {
            throw ReplayConfirmation.NotReached(side, target);
        }

        var stop = await ReplayConfirmation.WaitAsync(side, target, ReplayTimeout, cancellationToken);
        progress?.Report(new PointInTimeProgress(PointInTimeStep.Confirmed, stop.LogLine));
        await RecordAsync($"replay reached the target: {stop.LogLine}",
            $"side instance paused at WAL {stop.ReplayedTo}" + (stop.LastTransactionAt is { } at ? $", last transaction committed {at.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}Z" : ""),
            "", cancellationToken);
        await ReplayConfirmation.PromoteAsync(side, cancellationToken);
        return stop;
    }

    private Task RecordAsync(string seen, string done, string outcome, CancellationToken cancellationToken) =>
        journal.RecordAsync(new RecoveryEvent(time.GetUtcNow(), Conductor.DatabaseComponent, RecoveryEventKind.Action, seen, done, outcome, null, actor), cancellationToken);
}
