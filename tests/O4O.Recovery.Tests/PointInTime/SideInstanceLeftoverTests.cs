using System.Diagnostics;
using O4O.Recovery.Configuration;
using O4O.Recovery.PointInTime;
using O4O.Recovery.Restore;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.PointInTime;

/// <summary>
/// The side instance a killed point-in-time restore leaves is found, stopped and removed by the conductor's start
/// (<see cref="SideInstanceLeftover.CleanUpAsync"/>), but never while a restore holds the restore lock.
/// </summary>
public sealed class SideInstanceLeftoverTests : IDisposable, IRecoveryJournal
{
    private readonly O4OHome _home = new(Directory.CreateTempSubdirectory("o4o-pitr-leftover-").FullName);
    private readonly List<RecoveryEvent> _events = [];

    [Fact]
    public async Task A_leftover_side_instance_is_stopped_removed_and_put_on_the_record()
    {
        using var writer = LeftoverWithAProcessWritingIntoIt();

        var removed = await SideInstanceLeftover.CleanUpAsync(_home, this, "auto-recovery", TimeProvider.System, CancellationToken.None);

        Assert.NotNull(removed);
        Assert.True(writer.WaitForExit(5000), "the process writing into the side directory was not stopped");
        Assert.False(Directory.Exists(SideInstance.RootOf(_home)));
        Assert.Null(SideInstanceLeftover.Find(_home));
        var recorded = Assert.Single(_events);
        Assert.Contains("to time 2026-12-06 14:03:00Z was interrupted, leaving its side instance in", recorded.Seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_side_instance_of_a_restore_that_still_runs_is_left_alone()
    {
        using var writer = LeftoverWithAProcessWritingIntoIt();
        using var running = InterruptedRestore.Lock(_home);

        var removed = await SideInstanceLeftover.CleanUpAsync(_home, this, "auto-recovery", TimeProvider.System, CancellationToken.None);

        Assert.Null(removed);
        Assert.False(writer.HasExited);
        Assert.True(SideInstanceLeftover.IsRunning(_home));
        Assert.True(Directory.Exists(SideInstance.RootOf(_home)));
        writer.Kill();
    }

    Task IRecoveryJournal.RecordAsync(RecoveryEvent recoveryEvent, CancellationToken cancellationToken)
    {
        _events.Add(recoveryEvent);
        return Task.CompletedTask;
    }

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);

    private Process LeftoverWithAProcessWritingIntoIt()
    {
        var data = Path.Combine(SideInstance.RootOf(_home), "data");
        Directory.CreateDirectory(data);
        SideInstanceLeftover.Record(_home, new SideInstanceRecord(SideInstance.RootOf(_home), "time 2026-12-06 14:03:00Z", DateTimeOffset.UtcNow));
        // Stands in for a pgBackRest restore still running: its command line names the side directory.
        return Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 60", data]))!;
    }
}
