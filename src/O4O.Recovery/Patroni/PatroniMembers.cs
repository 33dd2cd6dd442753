using System.Diagnostics;
using System.Globalization;
using O4O.Recovery.Health;
using O4O.Recovery.Postgres;

namespace O4O.Recovery.Patroni;

/// <summary>The members of a Patroni cluster on other hosts, as its REST API lists them, for the platform's connection.</summary>
internal static class PatroniMembers
{
    private static readonly TimeSpan _leaderTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <paramref name="login"/> pointed at every member Patroni lists (a multi-host connection that finds the leader),
    /// once one leads.
    /// </summary>
    /// <exception cref="ClusterStartException">No endpoint answered with a leader in time.</exception>
    public static async Task<DatabaseTarget> TargetAsync(PatroniRest rest, DatabaseTarget login, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (await rest.ClusterAsync(cancellationToken) is { Leader: { Host: { } host, Port: { } port } } topology)
            {
                return login with
                {
                    Host = host,
                    Port = port,
                    Members = [.. topology.Members.Where(member => member is { Host: not null, Port: not null })
                        .Select(member => string.Create(CultureInfo.InvariantCulture, $"{member.Host}:{member.Port}"))],
                };
            }

            if (waited.Elapsed > _leaderTimeout)
            {
                throw new ClusterStartException(
                    $"No Patroni endpoint of Database:Patroni:Endpoints answered with a leader within {_leaderTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
