using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Supervision;

public sealed class RestartPolicyTests
{
    private static readonly DateTimeOffset _start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Back_off_starts_at_100_ms_doubles_and_stops_growing_at_30_s()
    {
        var policy = new RestartPolicy(new SupervisionOptions { CrashLoopRestarts = 100 });

        var delays = Enumerable.Range(0, 12).Select(i => policy.NextRestart(_start.AddSeconds(i))).ToList();

        Assert.Equal([100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000], delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public void A_minute_of_stable_running_resets_the_back_off()
    {
        var policy = new RestartPolicy(new SupervisionOptions());
        policy.NextRestart(_start);
        policy.NextRestart(_start.AddSeconds(1));

        Assert.Equal(TimeSpan.FromMilliseconds(400), policy.NextRestart(_start.AddSeconds(2)));
        Assert.Equal(TimeSpan.FromMilliseconds(100), policy.NextRestart(_start.AddSeconds(63)));
    }

    [Fact]
    public void Five_restarts_within_a_minute_are_a_crash_loop_and_five_spread_wider_are_not()
    {
        var loop = new RestartPolicy(new SupervisionOptions());
        var spread = new RestartPolicy(new SupervisionOptions());
        for (var i = 0; i < 5; i++)
        {
            Assert.False(loop.IsCrashLoop(_start.AddSeconds(i)));
            loop.NextRestart(_start.AddSeconds(i));
            spread.NextRestart(_start.AddSeconds(i * 20));
        }

        Assert.True(loop.IsCrashLoop(_start.AddSeconds(10)));
        Assert.False(spread.IsCrashLoop(_start.AddSeconds(81)));
        loop.Reset();
        Assert.False(loop.IsCrashLoop(_start.AddSeconds(10)));
    }
}
