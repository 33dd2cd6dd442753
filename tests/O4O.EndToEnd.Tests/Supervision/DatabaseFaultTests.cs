using System.Globalization;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.Processes;
using O4O.Recovery.State;
using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Supervision;

public sealed class DatabaseFaultTests
{
    [Fact]
    public async Task A_killed_postmaster_is_restarted_verified_with_SELECT_1_and_the_platform_recovers_by_itself()
    {
        await using var up = await SupervisedUp.StartAsync();
        var platform = up.PlatformPid;

        UnixProcess.Signal(up.PostmasterPid, UnixProcess.SigKill);
        var events = await up.WaitForEventsAsync("database", events => events.Any(e => e.Kind == RecoveryEventKind.Recovered), TimeSpan.FromSeconds(30));
        await up.Up.WaitForOkAsync(up.Client, "/api/health", TimeSpan.FromSeconds(15));

        Assert.Contains(events, e => e.Kind == RecoveryEventKind.Detected && e.Seen == "database killed by signal 9 (SIGKILL)");
        Assert.Contains(events, e => e.Kind == RecoveryEventKind.Action && e.Outcome.StartsWith("answering after", StringComparison.Ordinal));
        Assert.Equal(platform, up.PlatformPid);
        await using var database = up.Database();
        await using var select = database.CreateCommand("SELECT 1");
        Assert.Equal(1, await select.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_platform_that_cannot_start_stops_after_the_crash_loop_limit_and_the_give_up_is_recorded()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"o4o-broken-{Guid.NewGuid():N}.dll");
        await File.WriteAllTextAsync(broken, "not an assembly");
        try
        {
            using var up = O4OProcess.Up(new Dictionary<string, string>(SupervisedUp.FastProbes)
            {
                ["O4O__Platform__Assembly"] = broken,
                ["O4O__Supervision__CrashLoopRestarts"] = "3",
            });

            Assert.True(await up.WaitForExitAsync(TimeSpan.FromMinutes(3)), $"the conductor kept going\n{up.Output}");
            Assert.True(up.ExitCode == 6, up.Output);
            var events = (await new EventLog(Path.Combine(up.Home, "state.db")).RecentAsync(100)).Where(e => e.Component == "platform").ToList();
            Assert.Equal(4, events.Count(e => e.Kind == RecoveryEventKind.Detected));
            var gaveUp = Assert.Single(events, e => e.Kind == RecoveryEventKind.GaveUp);
            Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"crash loop: 3 restarts"), gaveUp.Seen);
            Assert.Contains("GaveUp", await File.ReadAllTextAsync(Path.Combine(up.Home, "logs", "conductor.log")));
        }
        finally
        {
            File.Delete(broken);
        }
    }
}
