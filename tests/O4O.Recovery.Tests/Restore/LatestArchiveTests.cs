using Microsoft.Extensions.Time.Testing;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Restore;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Restore;

/// <summary>What <c>latest</c> restores, and what a prune keeps, when some archives failed verification.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LatestArchiveTests(ManagedPostgresFixture postgres)
{
    private static readonly DateTimeOffset _today = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Latest_passes_over_an_archive_that_failed_verification_and_prefers_a_verified_one()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var (verified, unverified, failed) = await ThreeArchivesAsync(bed, TimeSpan.FromDays(2), TimeSpan.FromDays(1), TimeSpan.FromHours(1));
        bed.Catalogue.RecordVerification(verified, _today, passed: true, null);
        bed.Catalogue.RecordVerification(failed, _today, passed: false, "member database.sql.gz is damaged");

        var latest = await LatestArchive.FindAsync(bed.BackupDirectory, bed.Catalogue, CancellationToken.None);

        Assert.Equal([verified, unverified], latest.Candidates.Select(Path.GetFileName));
        Assert.Equal(
            [new SkippedArchive(failed, "failed verification: member database.sql.gz is damaged"),
             new SkippedArchive(unverified, "not verified yet, and a verified one exists (restore it by name to use it)")],
            latest.Skipped);
    }

    [Fact]
    public async Task When_every_archive_failed_verification_latest_is_refused_with_the_reason()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var only = Path.GetFileName((await bed.BackupAsync()).ArchivePath);
        bed.Catalogue.RecordVerification(only, _today, passed: false, "damaged");

        var refusal = await Assert.ThrowsAsync<BackupFailedException>(() => LatestArchive.FindAsync(bed.BackupDirectory, bed.Catalogue, CancellationToken.None));

        Assert.Contains("failed verification", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_never_counts_an_archive_that_failed_verification_as_a_days_copy()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var (older, _, failed) = await ThreeArchivesAsync(bed, TimeSpan.FromDays(3), TimeSpan.FromHours(3), TimeSpan.FromHours(2));
        bed.Catalogue.RecordVerification(failed, _today, passed: false, "damaged");
        var pruner = new BackupPruner(bed.BackupDirectory, new BackupOptions { KeepDaily = 1, KeepWeekly = 0, KeepMonthly = 0 }, bed.Catalogue);

        var decisions = await pruner.PruneAsync(dryRun: true, CancellationToken.None);

        Assert.False(decisions.Single(decision => decision.Name == failed).Keep);
        Assert.False(decisions.Single(decision => decision.Name == older).Keep);
        Assert.Equal(["daily", "newest clean"], decisions.Single(decision => decision.Keep).Reasons);
    }

    /// <summary>Three archives made the given times before <see cref="_today"/>, oldest first.</summary>
    private static async Task<(string, string, string)> ThreeArchivesAsync(BackupTestBed bed, params TimeSpan[] ages)
    {
        var names = new List<string>();
        foreach (var age in ages)
        {
            var result = await new BackupCreator(bed.Home, bed.BackupDirectory, bed.Server, new FakeTimeProvider(_today - age)).CreateAsync(false, null, null, CancellationToken.None);
            bed.Catalogue.Record(result);
            names.Add(Path.GetFileName(result.ArchivePath));
        }

        return (names[0], names[1], names[2]);
    }
}
