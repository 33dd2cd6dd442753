using System.Globalization;
using Npgsql;
using O4O.Recovery.Configuration;
using O4O.Recovery.Postgres;
using O4O.Recovery.Processes;
using O4O.Recovery.Restore;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// <c>--full</c>: the whole cluster replaced by the side instance's. Promoted at the target (as every point-in-time restore
/// promotes it) on a new timeline, the side instance is shut down cleanly, made fit to run live
/// (<see cref="ClusterHandover"/>), the live cluster stopped with the conductor's restarts held, its data directory renamed
/// aside (kept) and the restored one renamed into its place, and the cluster started by the conductor on the new
/// timeline, whose WAL and history pgBackRest archives (checked with <c>pgbackrest check</c>).
/// </summary>
public sealed partial class PointInTimeRestore
{
    /// <summary>The conductor's part in a full-cluster restore; without it a full restore is refused.</summary>
    public IClusterSupervision? Supervision { get; init; }

    // What a failure says was changed once the data directory was replaced.
    private string? _replaced;

    private string Unchanged => _replaced ?? "nothing live was changed";

    private const string KeptSuffix = ".before-pitr-";

    private string KeptDirectory => $"{home.PostgresData}{KeptSuffix}{time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>The data directories full-cluster restores replaced and kept (never deleted by O4O), oldest first.</summary>
    public static IReadOnlyList<string> KeptDataDirectories(O4OHome home) =>
        [.. Directory.EnumerateDirectories(Path.GetDirectoryName(home.PostgresData)!, Path.GetFileName(home.PostgresData) + KeptSuffix + "*").Order(StringComparer.Ordinal)];

    private async Task<PointInTimeOutcome> ReplaceClusterAsync(SideInstance side, PointInTimePlan plan, Func<PointInTimePlan, bool> confirm,
        IProgress<PointInTimeProgress>? progress, CancellationToken cancellationToken)
    {
        if (!confirm(plan))
        {
            await RecordAsync($"restored the cluster to {plan.Target} beside the live one", "declined: nothing was replaced", "declined", cancellationToken);
            return new PointInTimeOutcome(plan, false);
        }

        progress?.Report(new PointInTimeProgress(PointInTimeStep.Replace, plan.Kept));
        await side.ShutDownAsync();
        foreach (var written in ClusterHandover.Prepare(side.DataDirectory, home.PostgresData, side.ArchiveGetOptions))
        {
            await ServiceUser.GiveAsync(written, cancellationToken);
        }

        var before = await TimelineAsync(cancellationToken);
        await using (await Supervision!.HoldRestartsAsync(cancellationToken))
        {
            await SideInstanceLeftover.StopPostmasterAsync(home.PostgresData, UnixProcess.SigInt, cancellationToken);
            InterruptedClusterSwap.Record(home, new ClusterSwapRecord(home.PostgresData, plan.Kept, side.DataDirectory, plan.Target));
            Directory.Move(home.PostgresData, plan.Kept);
            Directory.Move(side.DataDirectory, home.PostgresData);
            _replaced = $"the cluster's data directory was replaced by the restored one, the old one is kept as {plan.Kept}";
            await RecordAsync($"replaced the cluster's data directory with the one restored to {plan.Target}",
                $"the old one is kept as {plan.Kept}; starting it", "", cancellationToken);
            progress?.Report(new PointInTimeProgress(PointInTimeStep.Start, home.PostgresData));
            await Supervision.StartDatabaseAsync(cancellationToken);
            var after = await TimelineAsync(cancellationToken);
            if (after <= before)
            {
                throw new RestoreFailedException($"The restored cluster runs on timeline {after}, not after the old one's {before}.");
            }

            InterruptedClusterSwap.Clear(home);
            // Damage on the new timeline is searched for from here: the conductor's next mark may be half a minute away.
            await TableFileMarking.MarkGoingLiveAsync(home, server.ConnectionString(Live), plan.RestoredRows, time, cancellationToken);
            progress?.Report(new PointInTimeProgress(PointInTimeStep.Check, after.ToString(CultureInfo.InvariantCulture)));
            await PgBackRest.For(home).RunAsync("check", [], cancellationToken);
            await RecordAsync($"the restored cluster left recovery on timeline {after} (it was on {before}); pgbackrest check archived its WAL",
                $"the whole cluster is back at {plan.Target}; the replaced data directory is kept as {plan.Kept}", "done", cancellationToken);
            return new PointInTimeOutcome(plan, true) { Timeline = after };
        }
    }

    /// <summary>The live cluster's timeline, from the WAL file it writes.</summary>
    private async Task<int> TimelineAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery(), substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetBoolean(0)
            ? throw new RestoreFailedException("The cluster is in recovery: it is not the promoted restored one.")
            : int.Parse(reader.GetString(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
