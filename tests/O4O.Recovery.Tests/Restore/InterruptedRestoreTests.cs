using O4O.Recovery.Restore;
using O4O.Recovery.State;
using O4O.Recovery.Tests.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Restore;

/// <summary>What a restore killed mid-swap left is put right from its journal, without a new restore.</summary>
[Collection(PostgresCollection.Name)]
public sealed class InterruptedRestoreTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task A_swap_killed_after_it_committed_is_finished_and_the_kept_database_accepts_connections_again()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var (admin, live, kept) = (bed.ConnectionString("postgres"), bed.Server.DatabaseName, bed.Server.DatabaseName + "_broken_20260101_000000");
        // What kill -9 after the rename's commit leaves: the replaced database paused under its kept name, the copy live.
        await PlatformSchema.ScalarAsync(admin, $"ALTER DATABASE {live} WITH ALLOW_CONNECTIONS false");
        await PlatformSchema.ScalarAsync(admin, $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{live}'");
        await PlatformSchema.ScalarAsync(admin, $"ALTER DATABASE {live} RENAME TO {kept}");
        await PlatformSchema.ScalarAsync(admin, $"CREATE DATABASE {live}");
        await WriteJournalAsync(bed, kept);

        var repair = await Repair(bed).RepairAsync(CancellationToken.None);

        Assert.StartsWith($"finished the swap: {live} is the restored database", repair?.Done, StringComparison.Ordinal);
        Assert.Equal(true, await PlatformSchema.ScalarAsync(admin, $"SELECT datallowconn FROM pg_database WHERE datname = '{kept}'"));
        Assert.False(InterruptedRestore.JournalPresent(bed.Home));
        Assert.Contains(await new EventLog(bed.Home.StateDatabase).RecentAsync(10), e => e.Done == repair!.Done && e.Actor == "test");
    }

    [Fact]
    public async Task A_journal_whose_restore_still_runs_is_left_alone()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        await WriteJournalAsync(bed, bed.Server.DatabaseName + "_broken_20260101_000000");
        await PlatformSchema.ScalarAsync(bed.ConnectionString("postgres"), $"ALTER DATABASE {bed.Server.DatabaseName} WITH ALLOW_CONNECTIONS false");

        using (InterruptedRestore.Lock(bed.Home))
        {
            Assert.Null(await Repair(bed).RepairAsync(CancellationToken.None));
        }

        Assert.True(InterruptedRestore.JournalPresent(bed.Home));
        Assert.NotNull(await Repair(bed).RepairAsync(CancellationToken.None));
        Assert.Equal(true, await PlatformSchema.ScalarAsync(bed.ConnectionString("postgres"), $"SELECT datallowconn FROM pg_database WHERE datname = '{bed.Server.DatabaseName}'"));
    }

    private static InterruptedRestore Repair(BackupTestBed bed) =>
        new(bed.Home, () => bed.Server, new EventLog(bed.Home.StateDatabase), "test", TimeProvider.System);

    private static async Task WriteJournalAsync(BackupTestBed bed, string kept)
    {
        Directory.CreateDirectory(bed.Home.Run);
        var live = bed.Server.DatabaseName;
        await File.WriteAllTextAsync(Path.Combine(bed.Home.Run, "restore.json"),
            $$"""{"liveDatabase":"{{live}}","restoreDatabase":"{{live}}_restore","connectionsPaused":true,"displacedDatabase":"{{kept}}"}""");
    }
}
