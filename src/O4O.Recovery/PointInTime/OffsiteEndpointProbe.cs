using System.Globalization;
using O4O.Recovery.Offsite;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Whether the off-site endpoint answers (<see cref="OffsiteEndpoint"/>), asked before each pgBackRest command on the off-site repository.
/// pgBackRest retries a host that does not answer until its io-timeout (a minute) runs out, for each file it reads: against
/// a bucket that is down an info took four minutes and returned as if the repository were empty, a backup longer; one that
/// takes connections and never answers held each WAL shipping round as long. The
/// endpoint is read from the off-site configuration pgBackRest itself is given (<see cref="PgBackRestOffsite"/>).
/// </summary>
internal static class OffsiteEndpointProbe
{
    /// <summary>Throws unless the endpoint of <paramref name="configurationFile"/> answers within <see cref="OffsiteEndpoint.Timeout"/> a step.</summary>
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

        if (await OffsiteEndpoint.WhyNotAnsweringAsync(host, port, settings.GetValueOrDefault("repo2-storage-ca-file"), cancellationToken) is { } why)
        {
            throw Unreachable(command, host, port, why);
        }
    }

    private static PgBackRestException Unreachable(string command, string host, int port, string why) =>
        new(command, $"the off-site endpoint {host}:{port.ToString(CultureInfo.InvariantCulture)} cannot be reached: {why}");
}
