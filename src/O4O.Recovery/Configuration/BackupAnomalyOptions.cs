using System.ComponentModel.DataAnnotations;

namespace O4O.Recovery.Configuration;

/// <summary>
/// <c>Backup:Anomaly</c>: when a new archive looks like the work of ransomware rather than of a shop. Each signal adds
/// its weight to the archive's score (a broken hash chain, collapsed compression, files whose entropy jumped and rows
/// lost 1 each; a size far from the usual and many files changed at once 0.5 each, since a shop does that now and
/// then); a score at or above <see cref="SuspiciousScore"/> makes the archive suspicious.
/// </summary>
public sealed class BackupAnomalyOptions
{
    /// <summary>How many earlier clean archives a new one is compared with.</summary>
    [Range(1, 100)]
    public int Baseline { get; set; } = 7;

    /// <summary>An archive smaller than the baseline's median size divided by this, or larger than it times this, is out of line.</summary>
    [Range(1.01, 1000)]
    public double SizeFactor { get; set; } = 2;

    /// <summary>A dump whose compression ratio fell below this share of the baseline's median ratio has collapsed (encrypted rows do not compress).</summary>
    [Range(0.01, 0.99)]
    public double CompressionDrop { get; set; } = 0.5;

    /// <summary>A platform file's entropy (bits per byte, sampled) that rose by at least this much ...</summary>
    [Range(0.1, 8)]
    public double EntropyJump { get; set; } = 1;

    /// <summary>... to at least this is a file that jumped (encrypted or random content is close to 8).</summary>
    [Range(0.1, 8)]
    public double EntropyHigh { get; set; } = 7;

    /// <summary>The share of a table's rows (of 10 or more) that, gone since the last clean archive, is a loss.</summary>
    [Range(0.01, 1)]
    public double RowLoss { get; set; } = 0.5;

    /// <summary>The share of the last clean archive's platform files (3 or more) changed or gone that is "many at once".</summary>
    [Range(0.01, 1)]
    public double ChangedFiles { get; set; } = 0.5;

    /// <summary>The score from which an archive is suspicious.</summary>
    [Range(0.1, 100)]
    public double SuspiciousScore { get; set; } = 1;
}
