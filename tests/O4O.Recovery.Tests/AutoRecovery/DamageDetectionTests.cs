using O4O.Recovery.AutoRecovery;
using O4O.Recovery.Configuration;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.AutoRecovery;

public sealed class DamageDetectionTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("o4o-damage-").FullName;

    private string LogDirectory => Path.Combine(_home, "pg", "log");

    [Fact]
    public void Only_damage_logged_after_the_start_is_reported()
    {
        Directory.CreateDirectory(LogDirectory);
        var log = Path.Combine(LogDirectory, "postgresql-Thu.log");
        File.WriteAllText(log, "2026-01-01 ERROR:  invalid page in block 3 of relation base/16384/16390\n");
        var scanner = new ServerLogScanner(LogDirectory);
        scanner.SkipExisting();

        File.AppendAllText(log, "2026-01-02 LOG:  checkpoint complete\n2026-01-02 ERROR:  could not open file \"base/16384/16401\": No such file or directory\n");
        var found = scanner.NewDamage();
        File.AppendAllText(log, "2026-01-02 WARNING:  page verification failed, calculated checksum 2120 but expected 4096\n");

        Assert.Equal(["2026-01-02 ERROR:  could not open file \"base/16384/16401\": No such file or directory"], found);
        Assert.Equal(["2026-01-02 WARNING:  page verification failed, calculated checksum 2120 but expected 4096"], scanner.NewDamage());
        Assert.Empty(scanner.NewDamage());
    }

    [Fact]
    public async Task Damage_with_restore_on_corruption_off_is_recorded_as_database_damage_and_waits_for_a_person()
    {
        Directory.CreateDirectory(LogDirectory);
        var log = Path.Combine(LogDirectory, "postgresql-Fri.log");
        File.WriteAllText(log, "");
        var home = new O4OHome(_home);
        var events = new EventLog(home.StateDatabase);
        var gate = await RecoveryGate.LoadAsync(new Settings(home.StateDatabase), events, TimeProvider.System, CancellationToken.None);
        var supervision = new SupervisionOptions { ProbeInterval = TimeSpan.FromMilliseconds(20) };
        var watch = new DamageWatch(new ServerLogScanner(LogDirectory), loss: null,
            new DamageRestore(home, new DatabaseOptions(), new BackupOptions(), gate, events, TimeProvider.System),
            new AutoRecoveryOptions { RestoreOnCorruption = false }, supervision, gate, events, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var running = watch.RunAsync(stop.Token);
        await Task.Delay(100);

        File.AppendAllText(log, "ERROR:  invalid page in block 0 of relation base/16384/16385\n");
        var recorded = await WaitForTwoAsync(events);
        await stop.CancelAsync();
        await running;

        Assert.Equal((RecoveryEventKind.Detected, FailureType.DatabaseDamage), (recorded[0].Kind, recorded[0].FailureType));
        Assert.Equal("server log: ERROR:  invalid page in block 0 of relation base/16384/16385", recorded[0].Seen);
        Assert.Equal("not restored: restoring on damage is off (O4O__AutoRecovery__RestoreOnCorruption)", recorded[1].Done);
        Assert.Equal("waiting for a person", recorded[1].Outcome);
        Assert.Equal(Conductor.DatabaseComponent, recorded[1].Component);
    }

    private static async Task<IReadOnlyList<RecoveryEvent>> WaitForTwoAsync(EventLog events)
    {
        for (var i = 0; i < 200; i++)
        {
            var recorded = await events.RecentAsync(10);
            if (recorded.Count >= 2)
            {
                return recorded;
            }

            await Task.Delay(20);
        }

        Assert.Fail("the damage was not recorded");
        return [];
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}
