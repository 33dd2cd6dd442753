using O4O.Recovery.Backups;
using O4O.Recovery.State;

namespace O4O.Recovery.Restore;

/// <summary>An archive a restore of <c>latest</c> passes over, and why.</summary>
/// <param name="Name">The archive's file name.</param>
/// <param name="Reason">Why it is not used, in one line.</param>
public sealed record SkippedArchive(string Name, string Reason);

/// <summary>The archives <c>latest</c> may restore, best first (full paths), and the newer ones passed over.</summary>
/// <param name="Candidates">Verified archives newest first, then those not verified yet, newest first.</param>
/// <param name="Skipped">Archives newer than the first candidate that are not it: failed, or not verified yet.</param>
public sealed record LatestArchive(IReadOnlyList<string> Candidates, IReadOnlyList<SkippedArchive> Skipped)
{
    /// <summary>
    /// What <c>latest</c> means for a restore: the newest archive not known to be bad, preferring verified ones. An
    /// archive whose verification failed is never a candidate: restoring it fails and leaves the shop down.
    /// </summary>
    /// <exception cref="BackupFailedException">There is no archive, or every one failed verification.</exception>
    public static async Task<LatestArchive> FindAsync(string directory, BackupCatalogue catalogue, CancellationToken cancellationToken)
    {
        BackupDirectory.EnsureExists(directory);
        var newestFirst = (await catalogue.SyncAsync(cancellationToken)).OrderByDescending(entry => entry.Manifest.CreatedAt).ToList();
        if (newestFirst.Count == 0)
        {
            throw new BackupFailedException($"There are no backups in {directory}.");
        }

        var candidates = newestFirst.Where(entry => entry.Verified == true).Concat(newestFirst.Where(entry => entry.Verified is null)).ToList();
        if (candidates.Count == 0)
        {
            throw new BackupFailedException($"Every backup in {directory} failed verification (see `o4o backup list`); none can be restored.");
        }

        var chosen = candidates[0];
        var skipped = newestFirst.TakeWhile(entry => entry != chosen)
            .Select(entry => new SkippedArchive(entry.Name, entry.Verified == false
                ? $"failed verification: {entry.VerifyMessage}"
                : "not verified yet, and a verified one exists (restore it by name to use it)"))
            .ToList();
        return new LatestArchive(candidates.Select(entry => Path.Combine(directory, entry.Name)).ToList(), skipped);
    }
}
