using O4O.Recovery.Configuration;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Restore;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// A full-cluster restore killed while it replaced the data directory is put right from its journal and the directories:
/// the old directory goes back when the restored one is not in place yet, the restored one stays when it is, the old one
/// is never deleted, and a restore that still runs is left alone.
/// </summary>
public sealed class InterruptedClusterSwapTests : IDisposable
{
    private readonly O4OHome _home = new(Directory.CreateTempSubdirectory("o4o-pitr-swap-").FullName);
    private readonly RecordedEvents _events = new();

    private string Kept => _home.PostgresData + ".before-pitr-20261206T140300Z";

    private string Restored => Path.Combine(SideInstance.RootOf(_home), "data");

    [Fact]
    public async Task Killed_between_the_renames_the_old_data_directory_goes_back_and_is_on_the_record()
    {
        Cluster(Kept, "old");
        Cluster(Restored, "restored");
        Journal();

        var done = await PutRightAsync();

        Assert.Equal("old", File.ReadAllText(Path.Combine(_home.PostgresData, "PG_VERSION")));
        Assert.False(Directory.Exists(Kept));
        Assert.Contains("put the old data directory back", done, StringComparison.Ordinal);
        Assert.Contains("to time 2026-12-06 14:03:00Z was interrupted", Assert.Single(_events.Events).Seen, StringComparison.Ordinal);
        Assert.Null(InterruptedClusterSwap.Find(_home));
    }

    [Fact]
    public async Task Killed_after_the_second_rename_the_restored_directory_stays_and_the_old_one_is_kept()
    {
        Cluster(Kept, "old");
        Cluster(_home.PostgresData, "restored");
        Journal();

        var done = await PutRightAsync();

        Assert.Equal("restored", File.ReadAllText(Path.Combine(_home.PostgresData, "PG_VERSION")));
        Assert.Equal("old", File.ReadAllText(Path.Combine(Kept, "PG_VERSION")));
        Assert.Contains("the restored data directory is in place", done, StringComparison.Ordinal);
        Assert.Null(InterruptedClusterSwap.Find(_home));
    }

    [Fact]
    public async Task Killed_before_the_first_rename_the_live_directory_is_as_it_was()
    {
        Cluster(_home.PostgresData, "old");
        Cluster(Restored, "restored");
        Journal();

        var done = await PutRightAsync();

        Assert.Equal("old", File.ReadAllText(Path.Combine(_home.PostgresData, "PG_VERSION")));
        Assert.Contains("nothing had been moved", done, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_replacement_of_a_restore_that_still_runs_is_left_alone()
    {
        Cluster(Kept, "old");
        Journal();
        using var running = InterruptedRestore.Lock(_home);

        Assert.Null(await PutRightAsync());

        Assert.False(Directory.Exists(_home.PostgresData));
        Assert.NotNull(InterruptedClusterSwap.Find(_home));
        Assert.Empty(_events.Events);
    }

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);

    private Task<string?> PutRightAsync() => InterruptedClusterSwap.PutRightAsync(_home, _events, "auto-recovery", TimeProvider.System, CancellationToken.None);

    private void Journal() => InterruptedClusterSwap.Record(_home, new ClusterSwapRecord(_home.PostgresData, Kept, Restored, "time 2026-12-06 14:03:00Z"));

    private static void Cluster(string directory, string marker)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "PG_VERSION"), marker);
    }
}
