using O4O.Recovery.Backups;
using O4O.Recovery.PointInTime;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// The recovery point after damage: the conductor's mark of the tables' files, then the damage, then the search of the
/// archived WAL from the mark, as AutoRecovery and <c>o4o recover</c> run it.
/// </summary>
public sealed class DamageRecoveryPointTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task A_dropped_table_is_found_in_the_archived_WAL_from_the_mark_and_the_target_is_just_before_its_transaction()
    {
        await using var shop = await WalShop.CreateAsync(fixture.Cluster);
        await shop.TrafficAsync();
        Assert.True(await new TableFileMarking(shop.ConnectionString, new TableFileMarks(fixture.Home.StateDatabase), TimeProvider.System)
            .MarkAsync(CancellationToken.None));
        await shop.TrafficAsync();
        var xid = await shop.DamageAsync("DROP TABLE orders CASCADE");
        await ArchivedAsync(await shop.SwitchSegmentAsync());

        var found = await new DamageRecoveryPoint(fixture.Home, new ResolvedDatabaseServer(fixture.Cluster.ConnectionString(), shop.Database, fixture.Cluster.Binaries))
            .FindAsync(DateTimeOffset.UtcNow + DamageRecoveryPoint.Margin + TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.NotNull(found.Damage);
        Assert.Equal((xid, DamageKind.Dropped), (found.Damage.Xid, found.Damage.Kind));
        Assert.Equal($"just before transaction {xid} (commit {found.Damage.CommitLsn})", found.Target.Description);
        Assert.Empty(Directory.EnumerateDirectories(fixture.PgBackRest.Layout.Root, "wal-search-*"));
    }

    [Fact]
    public async Task A_second_damage_seconds_after_a_restore_swapped_another_database_in_is_found_in_its_files_and_undone()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 200);
        Assert.True(await new TableFileMarking(fixture.Cluster.ConnectionString(PitrBed.Database), new TableFileMarks(fixture.Home.StateDatabase), TimeProvider.System)
            .MarkAsync(CancellationToken.None));
        var first = await bed.DeleteAllOrdersAsync();
        var point = new DamageRecoveryPoint(fixture.Home, bed.Server);
        var undone = await point.FindAsync(DateTimeOffset.UtcNow + DamageRecoveryPoint.Margin, CancellationToken.None);
        Assert.Equal(first, undone.Damage?.Xid);
        Assert.True((await bed.RunAsync(undone.Target)).Swapped, bed.Timeline);

        await bed.AddOrdersAsync(30);
        var second = await bed.DeleteAllOrdersAsync();
        // Seen at once, with no conductor mark of the new database yet, and seen later, when the newest mark from well
        // before is still the one of the database the restore replaced, whose files held the first damage.
        var seenLater = await point.FindAsync(DateTimeOffset.UtcNow + DamageRecoveryPoint.Margin, CancellationToken.None);
        var found = await point.FindAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True((second, DamageKind.Deleted) == (seenLater.Damage?.Xid, seenLater.Damage?.Kind), seenLater.Why);
        Assert.True((second, DamageKind.Deleted) == (found.Damage?.Xid, found.Damage?.Kind), found.Why);
        Assert.True((await bed.RunAsync(found.Target)).Swapped, bed.Timeline);
        Assert.Equal(230L, await bed.OrdersAsync());
    }

    [Fact]
    public async Task Without_a_mark_from_before_the_damage_the_target_is_before_the_first_evidence_and_says_why()
    {
        var evidence = DateTimeOffset.UtcNow - TimeSpan.FromDays(30);

        var found = await new DamageRecoveryPoint(fixture.Home, new ResolvedDatabaseServer(fixture.Cluster.ConnectionString(), "postgres", fixture.Cluster.Binaries)).FindAsync(evidence, CancellationToken.None);

        Assert.Null(found.Damage);
        Assert.Equal((evidence - DamageRecoveryPoint.Margin).ToUniversalTime(), found.Target.Time);
        Assert.StartsWith("no note of the tables' data files from before the damage", found.Why, StringComparison.Ordinal);
    }

    private async Task ArchivedAsync(string segment)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (string.CompareOrdinal((string?)await fixture.ScalarAsync("SELECT last_archived_wal FROM pg_stat_archiver") ?? "", segment) >= 0)
            {
                return;
            }
        }

        Assert.Fail($"segment {segment} was not archived within a minute");
    }
}
