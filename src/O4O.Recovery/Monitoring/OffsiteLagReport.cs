using System.Globalization;
using O4O.Recovery.Offsite;
using O4O.Recovery.PointInTime;

namespace O4O.Recovery.Monitoring;

/// <summary>
/// How far the off-site copies trail the local ones: the logical archives not uploaded yet and the WAL segments not
/// shipped yet (as the conductor's shipping last found them), against <c>Offsite:LagThreshold</c>.
/// </summary>
/// <param name="Archives">The archives without a complete off-site copy.</param>
/// <param name="Wal">The WAL shipping's last record; null without archiving or before its first round.</param>
/// <param name="Threshold">The lag above which an incident is opened.</param>
/// <param name="Now">When this was read.</param>
public sealed record OffsiteLagReport(OffsiteLagInfo Archives, OffsiteWalState? Wal, TimeSpan Threshold, DateTimeOffset Now)
{
    /// <summary>The component of the off-site lag.</summary>
    public const string Component = "offsite-lag";

    /// <summary>The age of the oldest copy that is local only.</summary>
    public TimeSpan Lag => TimeSpan.FromTicks(Math.Max((Archives.Age ?? TimeSpan.Zero).Ticks, (Wal?.Lag(Now) ?? TimeSpan.Zero).Ticks));

    /// <summary>The check the backup watch opens an incident on when it fails.</summary>
    public BackupCheck Check()
    {
        var archives = Archives.OldestPending is { } oldest ? $"{Archives.Pending} archive(s) not off-site, the oldest {oldest}" : "every archive off-site";
        var wal = Wal switch
        {
            null => "",
            { Pending: 0 } => $"; WAL off-site through {Wal.ShippedThrough ?? "-"}",
            _ => $"; {Wal.Pending} WAL file(s) not off-site{(Wal.Error is { } error ? $" ({error})" : "")}",
        };
        return new BackupCheck(Component, Lag > Threshold,
            string.Create(CultureInfo.InvariantCulture, $"off-site copies trail by {Lag.TotalMinutes:0.#} min; the limit is {Threshold.TotalMinutes:0.#} min: {archives}{wal}"));
    }
}
