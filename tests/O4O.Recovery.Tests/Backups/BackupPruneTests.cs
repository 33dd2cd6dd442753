using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

[Collection(PostgresCollection.Name)]
public sealed class BackupPruneTests(ManagedPostgresFixture postgres)
{
    private static readonly DateTimeOffset _today = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Prune_keeps_the_newest_per_day_and_the_newest_verified_and_the_chain_stays_intact()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var ages = new[] { TimeSpan.FromDays(40), TimeSpan.FromDays(10), TimeSpan.FromHours(28), TimeSpan.FromHours(27), TimeSpan.FromHours(2) };
        var names = new List<string>();
        foreach (var age in ages)
        {
            var result = await new BackupCreator(bed.Home, bed.BackupDirectory, bed.Server, new FixedTime(_today - age)).CreateAsync(false, null, null, CancellationToken.None);
            bed.Catalogue.Record(result);
            names.Add(Path.GetFileName(result.ArchivePath));
        }

        bed.Catalogue.RecordVerification(names[0], _today, passed: true, null);
        var pruner = new BackupPruner(bed.BackupDirectory, new BackupOptions { KeepDaily = 2, KeepWeekly = 0, KeepMonthly = 0 }, bed.Catalogue);

        var dryRun = await pruner.PruneAsync(dryRun: true, CancellationToken.None);
        Assert.Equal(5, ArchiveName.ListArchives(bed.BackupDirectory).Count);
        var decisions = await pruner.PruneAsync(dryRun: false, CancellationToken.None);

        Assert.Equal(dryRun, decisions, (a, b) => a.Name == b.Name && a.Keep == b.Keep);
        Assert.Equal([names[0], names[3], names[4]], ArchiveName.ListArchives(bed.BackupDirectory).Select(Path.GetFileName));
        Assert.Equal(["newest verified"], decisions.Single(decision => decision.Name == names[0]).Reasons);
        var listed = await BackupListing.ListAsync(bed.BackupDirectory, bed.Catalogue, TimeProvider.System, CancellationToken.None);
        Assert.All(listed, item => Assert.True(item.ChainIntact, item.Problem));
    }

    [Fact]
    public async Task An_archive_deleted_by_hand_shows_as_a_broken_chain()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var first = await bed.BackupAsync();
        await bed.BackupAsync();
        File.Delete(first.ArchivePath);

        var listed = await BackupListing.ListAsync(bed.BackupDirectory, bed.Catalogue, TimeProvider.System, CancellationToken.None);

        var item = Assert.Single(listed);
        Assert.False(item.ChainIntact);
        Assert.Contains("is missing", item.Problem);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
