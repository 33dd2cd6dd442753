using O4O.Recovery.Backups;
using O4O.Recovery.PointInTime;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// Damage seconds after a restore put other data live (a logical restore's copy, the database restore undo swaps back,
/// a whole cluster on a new timeline): the search starts from the mark the restore took of what it put live, never from a
/// mark of what was live before, whose WAL holds the damage the restore was for.
/// </summary>
public sealed class DamageAfterARestoreTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task A_damage_seconds_after_a_logical_restore_is_found_from_the_mark_it_took_of_its_copy()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 200);
        var archive = await LogicalBackupAsync(bed);
        Assert.True(await MarkAsync());
        Assert.True((await bed.LogicalRestore().RestoreAsync(archive, databaseOnly: true, _ => true, null, CancellationToken.None)).Swapped);

        await bed.AddOrdersAsync(30);
        var damage = await bed.DeleteAllOrdersAsync();
        var found = await new DamageRecoveryPoint(fixture.Home, bed.Server).FindAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True((damage, DamageKind.Deleted, 230L) == (found.Damage?.Xid, found.Damage?.Kind, found.Damage?.DeletedRows), found.Why);
    }

    [Fact]
    public async Task A_damage_seconds_after_restore_undo_is_found_from_the_mark_undo_took_not_from_one_before_the_database_was_replaced()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 200);
        var archive = await LogicalBackupAsync(bed);
        Assert.True(await MarkAsync());
        await bed.DeleteAllOrdersAsync();
        var restore = bed.LogicalRestore();
        Assert.True((await restore.RestoreAsync(archive, databaseOnly: true, _ => true, null, CancellationToken.None)).Swapped);
        // The deleted orders were meant: the person swaps the emptied database back.
        await restore.UndoAsync(_ => true, CancellationToken.None);

        await bed.AddOrdersAsync(30);
        var damage = await bed.DeleteAllOrdersAsync();
        var point = new DamageRecoveryPoint(fixture.Home, bed.Server);
        var seenLater = await point.FindAsync(DateTimeOffset.UtcNow + DamageRecoveryPoint.Margin, CancellationToken.None);
        var found = await point.FindAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True((damage, DamageKind.Deleted) == (seenLater.Damage?.Xid, seenLater.Damage?.Kind), seenLater.Why);
        Assert.True((damage, DamageKind.Deleted) == (found.Damage?.Xid, found.Damage?.Kind), found.Why);
    }

    [Fact]
    public async Task After_a_full_cluster_restore_damage_is_searched_for_on_the_new_timeline_not_from_a_mark_of_the_abandoned_one()
    {
        var bed = new PitrBed(fixture);
        await bed.StartAsync(orders: 200);
        Assert.True(await MarkAsync());
        var first = await bed.DeleteAllOrdersAsync();
        var point = new DamageRecoveryPoint(fixture.Home, bed.Server);
        var undone = await point.FindAsync(DateTimeOffset.UtcNow + DamageRecoveryPoint.Margin, CancellationToken.None);
        Assert.Equal(first, undone.Damage?.Xid);
        var restored = await bed.Restore(new FixtureSupervision(fixture))
            .RunAsync(undone.Target, PointInTimeMode.FullCluster, dryRun: false, _ => true, null, CancellationToken.None);
        Assert.True(restored.Swapped, bed.Timeline);

        await bed.AddOrdersAsync(30);
        var second = await bed.DeleteAllOrdersAsync();
        var seenLater = await point.FindAsync(DateTimeOffset.UtcNow + DamageRecoveryPoint.Margin, CancellationToken.None);
        var found = await point.FindAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True((second, DamageKind.Deleted, 230L) == (seenLater.Damage?.Xid, seenLater.Damage?.Kind, seenLater.Damage?.DeletedRows), seenLater.Why);
        Assert.True((second, DamageKind.Deleted) == (found.Damage?.Xid, found.Damage?.Kind), found.Why);
    }

    /// <summary>A conductor's mark of the platform database.</summary>
    private Task<bool> MarkAsync() =>
        new TableFileMarking(fixture.Cluster.ConnectionString(PitrBed.Database), new TableFileMarks(fixture.Home.StateDatabase), TimeProvider.System)
            .MarkAsync(CancellationToken.None);

    private async Task<string> LogicalBackupAsync(PitrBed bed)
    {
        Directory.CreateDirectory(fixture.Home.Backups);
        var catalogue = new BackupCatalogue(fixture.Home.StateDatabase, fixture.Home.Backups);
        var backup = await new BackupCreator(fixture.Home, fixture.Home.Backups, bed.Server, TimeProvider.System)
            .CreateAsync(includeSecrets: false, catalogue.KnownHash, null, CancellationToken.None);
        catalogue.Record(backup);
        return backup.ArchivePath;
    }

    /// <summary>The conductor's part in a full restore, played by the fixture: nothing restarts the cluster on its own here.</summary>
    private sealed class FixtureSupervision(ArchivingClusterFixture fixture) : IClusterSupervision
    {
        public Task<IAsyncDisposable> HoldRestartsAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(new Nothing());

        public Task StartDatabaseAsync(CancellationToken cancellationToken) => fixture.Cluster.StartAsync(cancellationToken: cancellationToken);

        private sealed class Nothing : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
