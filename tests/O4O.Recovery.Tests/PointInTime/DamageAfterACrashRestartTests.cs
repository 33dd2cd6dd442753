using System.Globalization;
using Npgsql;
using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Processes;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// Damage, or none, right after the cluster was killed with SIGKILL and started again as the conductor starts it: crash
/// recovery resets the statistics' live-row counts, which the probe and the conductor's marks read, to zero.
/// </summary>
public sealed class DamageAfterACrashRestartTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task After_a_crash_restart_a_few_orders_deleted_on_purpose_are_no_loss_and_not_the_damage_a_later_drop_is_undone_from()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 300);
        await CrashRestartAsync();
        // The conductor's mark first, as when the probe has not looked since the restart.
        Assert.True(await MarkAsync());
        using var probe = Probe();
        Assert.Null((await probe.LookAsync(CancellationToken.None)).Evidence);

        await bed.SqlAsync("DELETE FROM orders WHERE id <= 15; SELECT pg_stat_force_next_flush()");
        Assert.Null((await probe.LookAsync(CancellationToken.None)).Evidence);
        var drop = Convert.ToUInt32(await bed.SqlAsync("BEGIN; DROP TABLE orders; SELECT pg_current_xact_id()::text::bigint; COMMIT"), CultureInfo.InvariantCulture);
        var found = await new DamageRecoveryPoint(fixture.Home, bed.Server).FindAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True((drop, DamageKind.Dropped) == (found.Damage?.Xid, found.Damage?.Kind), found.Why);
    }

    [Fact]
    public async Task A_mass_delete_right_after_a_crash_restart_is_seen_by_a_probe_started_after_it_and_found_in_the_archived_WAL()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 300);
        await CrashRestartAsync();
        // A conductor started after the crash: the probe has no look from before it.
        using var probe = Probe();
        Assert.Null((await probe.LookAsync(CancellationToken.None)).Evidence);
        Assert.True(await MarkAsync());

        var damage = Convert.ToUInt32(
            await bed.SqlAsync("BEGIN; DELETE FROM orders; SELECT pg_current_xact_id()::text::bigint; COMMIT; SELECT pg_stat_force_next_flush()"),
            CultureInfo.InvariantCulture);
        var seen = (await probe.LookAsync(CancellationToken.None)).Evidence;
        var found = await new DamageRecoveryPoint(fixture.Home, bed.Server).FindAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal("orders has 0 rows, 300 expected (newest backup 0, last look 300)", seen);
        Assert.True((damage, DamageKind.Deleted, 300L) == (found.Damage?.Xid, found.Damage?.Kind, found.Damage?.DeletedRows), found.Why);
    }

    /// <summary>SIGKILL to the postmaster, then the product's own start of the cluster, which runs crash recovery.</summary>
    private async Task CrashRestartAsync()
    {
        var postmaster = fixture.Cluster.Postmaster!;
        UnixProcess.Signal(postmaster.Id, UnixProcess.SigKill);
        await postmaster.WaitForExitAsync();
        NpgsqlConnection.ClearAllPools();
        await fixture.Cluster.StartAsync();
        Assert.Equal(0L, await fixture.ScalarAsync("SELECT sum(n_live_tup)::bigint FROM pg_stat_user_tables", PitrBed.Database));
    }

    /// <summary>A conductor's mark of the platform database.</summary>
    private Task<bool> MarkAsync() =>
        new TableFileMarking(fixture.Cluster.ConnectionString(PitrBed.Database), new TableFileMarks(fixture.Home.StateDatabase), TimeProvider.System)
            .MarkAsync(CancellationToken.None);

    // No platform answers on port 9 (discard), and the home holds no logical backup: the probe has only its own looks.
    private DataLossProbe Probe() =>
        new(new Uri("http://127.0.0.1:9/"), fixture.Cluster.ConnectionString(PitrBed.Database), fixture.Home, new BackupOptions(), new AutoRecoveryOptions());
}
