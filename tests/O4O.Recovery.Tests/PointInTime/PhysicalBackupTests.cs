using O4O.Recovery.PointInTime;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>Physical backups taken by the product's engine with real pgBackRest: expiry by <c>KeepFull</c>, keeping the WAL of every kept set.</summary>
public sealed class PhysicalBackupTests(ArchivingClusterFixture fixture) : IClassFixture<ArchivingClusterFixture>
{
    [Fact]
    public async Task After_more_full_backups_than_KeepFull_the_oldest_set_is_gone_and_every_kept_sets_wal_is_still_in_the_repository()
    {
        var backup = new PhysicalBackup(fixture.PgBackRest, TimeProvider.System);
        var taken = new List<PhysicalBackupTaken>();
        for (var full = 0; full <= fixture.Options.KeepFull; full++)
        {
            taken.Add(await backup.TakeAsync("full", progress: null, CancellationToken.None));
        }

        var info = await fixture.PgBackRest.InfoAsync(CancellationToken.None);

        Assert.Equal(taken.Skip(1).Select(made => made.Set.Label), info.Backups.Select(set => set.Label));
        var archived = Directory.GetFiles(Path.Combine(fixture.PgBackRest.Layout.Repository, "archive"), "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName).OfType<string>().Where(name => name.Length > 24).Select(name => name[..24]).ToHashSet(StringComparer.Ordinal);
        foreach (var set in info.Backups)
        {
            Assert.True(WalSegment.TryParse(set.WalStart, out var timeline, out var start));
            Assert.True(WalSegment.TryParse(set.WalStop, out _, out var stop));
            foreach (var segment in WalSegment.Covering(timeline, start, stop))
            {
                Assert.Contains(segment, archived);
            }
        }

        // The expired set's own WAL went with it: retention is by set, not forever.
        Assert.DoesNotContain(taken[0].Set.WalStart, archived);
    }
}
