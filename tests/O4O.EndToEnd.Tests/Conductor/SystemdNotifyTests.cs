using System.Net;
using System.Net.Sockets;
using System.Text;
using O4O.EndToEnd.Tests.Processes;
using O4O.Recovery.Processes;

namespace O4O.EndToEnd.Tests.Conductor;

/// <summary>
/// <c>o4o up</c> as systemd runs a <c>Type=notify</c> unit with <c>WatchdogSec=</c>: <c>NOTIFY_SOCKET</c> names a unix
/// datagram socket (here the test's) and <c>WATCHDOG_USEC</c> the watchdog's interval.
/// </summary>
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task Up_tells_systemd_it_is_ready_only_once_the_platform_answers_pets_the_watchdog_and_says_it_is_stopping()
    {
        var path = Path.Combine(Path.GetTempPath(), $"o4o-notify-{Guid.NewGuid():N}.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            using var up = O4OProcess.Up(new Dictionary<string, string>
            {
                ["NOTIFY_SOCKET"] = path,
                // Pings every 0.5 s: several before the platform has even started.
                ["WATCHDOG_USEC"] = "1000000",
            });
            using var client = new HttpClient { BaseAddress = up.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };

            var beforeReady = new List<string>();
            string message;
            while (!(message = await ReceiveAsync(socket, up)).Contains("READY=1", StringComparison.Ordinal))
            {
                beforeReady.Add(message);
            }

            // At READY=1 the shop already serves: systemd's "started" means customers can buy.
            using (var live = await client.GetAsync(new Uri("/api/health/live", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            }

            Assert.Contains("WATCHDOG=1", beforeReady);
            Assert.Contains("STATUS=serving on " + up.BaseAddress, message, StringComparison.Ordinal);
            Assert.Equal("WATCHDOG=1", await ReceiveAsync(socket, up));

            UnixProcess.Signal(up.Pid, UnixProcess.SigTerm);
            while ((message = await ReceiveAsync(socket, up)) == "WATCHDOG=1")
            {
            }

            Assert.Equal("STOPPING=1", message);
            Assert.True(await up.WaitForExitAsync(TimeSpan.FromSeconds(15)), $"the conductor did not stop within 15 s\n{up.Output}");
            Assert.Equal(0, up.ExitCode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket, O4OProcess up)
    {
        var buffer = new byte[4096];
        // The first start builds nothing (./test built it) but creates a cluster: allow it the platform's start time.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no message on NOTIFY_SOCKET within 3 minutes\n{up.Output}");
            throw;
        }
    }
}
