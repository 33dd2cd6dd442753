using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace O4O.Recovery.Systemd;

/// <summary>
/// Pets systemd's watchdog (<c>WatchdogSec=</c>) at half its interval for as long as the conductor runs, from the first
/// moment: systemd starts counting when the process starts, and a first start that creates the cluster outlasts the
/// interval. A conductor whose runtime wedges (its timers stop firing) misses the pings and systemd restarts it; a hung
/// child is the supervisors' to restart, not systemd's. <c>Microsoft.Extensions.Hosting.Systemd</c> sends READY and
/// STOPPING but no watchdog pings, hence this.
/// </summary>
public sealed class SystemdWatchdog(ISystemdNotifier notifier, TimeSpan interval, TimeProvider time) : BackgroundService
{
    private static readonly ServiceState _ping = new("WATCHDOG=1");

    /// <summary>
    /// The interval systemd asked for (<c>WATCHDOG_USEC</c>), or null when it asked for none or asked another process
    /// (<c>WATCHDOG_PID</c>), as <c>sd_watchdog_enabled</c> reads them.
    /// </summary>
    public static TimeSpan? Requested()
    {
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) && microseconds > 0
            ? TimeSpan.FromMicroseconds(microseconds)
            : null;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval / 2, time);
        do
        {
            notifier.Notify(_ping);
        }
        while (await timer.NextTickAsync(stoppingToken));
    }
}
