using System.Globalization;
using System.Net.Sockets;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Whether the off-site endpoint takes a TCP connection, asked before each pgBackRest command on the off-site repository.
/// pgBackRest retries a host that does not answer until its io-timeout (a minute) runs out, for each file it reads: against
/// a bucket that is down an info took four minutes and returned as if the repository were empty, a backup longer. The
/// endpoint is read from the off-site configuration pgBackRest itself is given (<see cref="PgBackRestOffsite"/>).
/// </summary>
internal static class OffsiteEndpointProbe
{
    /// <summary>How long a connection may take before the endpoint counts as unreachable.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Throws unless the endpoint of <paramref name="configurationFile"/> takes a connection within <see cref="Timeout"/>.</summary>
    /// <exception cref="PgBackRestException">It refused the connection or did not answer; the message names it, for <paramref name="command"/>.</exception>
    public static async Task EnsureReachableAsync(string configurationFile, string command, CancellationToken cancellationToken)
    {
        var settings = File.ReadLines(configurationFile).Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], pair => pair[1]).ToDictionary(group => group.Key, group => group.First(), StringComparer.Ordinal);
        if (!settings.TryGetValue("repo2-s3-endpoint", out var host)
            || !settings.TryGetValue("repo2-storage-port", out var portText) || !int.TryParse(portText, CultureInfo.InvariantCulture, out var port))
        {
            return;
        }

        using var client = new TcpClient();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        try
        {
            await client.ConnectAsync(host, port, limit.Token);
        }
        catch (SocketException refused)
        {
            throw Unreachable(command, host, port, refused.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(command, host, port, $"no answer within {Timeout.TotalSeconds:0} s");
        }
    }

    private static PgBackRestException Unreachable(string command, string host, int port, string why) =>
        new(command, $"the off-site endpoint {host}:{port.ToString(CultureInfo.InvariantCulture)} cannot be reached: {why}");
}
