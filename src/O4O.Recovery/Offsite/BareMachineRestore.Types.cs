namespace O4O.Recovery.Offsite;

/// <summary>The steps of a bare-machine restore, in order, as progress reports them.</summary>
public enum BareMachineStep
{
    /// <summary>The bucket is read: its newest archive and pgBackRest's backup sets (detail: the bucket).</summary>
    Listing,

    /// <summary>The newest archive is downloaded, checked and decrypted (detail: its name).</summary>
    Download,

    /// <summary>pgBackRest restores the newest physical set from the off-site repository (detail: its label).</summary>
    RestoreSet,

    /// <summary>The restored cluster replayed the archived WAL to its end (detail: its last transaction's time).</summary>
    Replayed,

    /// <summary>The archive's database is loaded into a new cluster (detail: the archive).</summary>
    Load,

    /// <summary>The archive's platform files are put back (detail: the archive).</summary>
    Files,

    /// <summary>The staged home is renamed into place (detail: the home).</summary>
    Commit,
}

/// <summary>Where a bare-machine restore tells what it does.</summary>
public interface IBareMachineProgress
{
    /// <summary>A step begins.</summary>
    void Step(BareMachineStep step, string detail);

    /// <summary>Runs <paramref name="work"/>, a long transfer described by <paramref name="description"/>, with a byte count if it can show one.</summary>
    Task<T> TransferAsync<T>(string description, Func<IProgress<long>?, Task<T>> work);
}

/// <summary>What a bare-machine restore brought back.</summary>
/// <param name="PhysicalSet">The physical set the cluster was restored from; null when it came from <paramref name="Archive"/>.</param>
/// <param name="Archive">The archive the configuration and platform files (and without a set, the database) came from; null when the bucket holds none.</param>
/// <param name="LastTransaction">For a physical set: when the last transaction replayed from the archived WAL committed.</param>
/// <param name="Replaced">Where what the home held before was kept; null when it held nothing.</param>
/// <param name="Redacted">
/// The settings of the restored <c>o4o.json</c> the archive left out as secrets (a new machine has no live file to take them
/// from): to be set again, in the file or as <c>O4O__</c> variables, before <c>o4o up</c>.
/// </param>
public sealed record BareMachineOutcome(string? PhysicalSet, string? Archive, DateTimeOffset? LastTransaction, string? Replaced, IReadOnlyList<string> Redacted);
