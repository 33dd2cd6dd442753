using System.ComponentModel.DataAnnotations;
namespace O4O.Recovery.Configuration;

/// <summary>The <c>AutoRecovery</c> section: what the conductor may do on its own beyond restarts.</summary>
public sealed class AutoRecoveryOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "AutoRecovery";

    /// <summary>
    /// Restore the newest verified backup when the database is damaged (<c>O4O__AutoRecovery__RestoreOnCorruption</c>).
    /// Off by default: a restore loses what was written since the backup, which a person should usually decide.
    /// </summary>
    public bool RestoreOnCorruption { get; set; }

    /// <summary>
    /// The share of a table's rows whose sudden loss counts as data loss (<c>O4O__AutoRecovery__RowLossThreshold</c>),
    /// against the newest backup's row counts and the previous look: 0.5 means fewer than half the rows are left.
    /// </summary>
    [Range(double.Epsilon, 1.0)]
    public double RowLossThreshold { get; set; } = 0.5;
}
