using O4O.Recovery.Backups;
using O4O.Recovery.Offsite;
using O4O.Recovery.State;

namespace O4O.Recovery.Restore;

/// <summary>Why <c>o4o restore --latest-clean</c> passes over an archive newer than the one it restores.</summary>
public enum CleanSkipReason
{
    /// <summary>Its anomaly assessment made it suspicious; the detail holds the score and the reasons.</summary>
    Suspicious,

    /// <summary>It was made at or after <c>--before</c>.</summary>
    MadeAfterLimit,

    /// <summary>Its verification failed; the detail says why.</summary>
    FailedVerification,

    /// <summary>It was never verified.</summary>
    NotVerified,

    /// <summary>It is only off-site, and its copy could not be brought down or failed verification; the detail says why.</summary>
    OffsiteCopyFailed,
}

/// <summary>An archive <c>--latest-clean</c> passed over.</summary>
/// <param name="Name">The archive's file name.</param>
/// <param name="Reason">Why.</param>
/// <param name="Detail">What the reason rests on (the anomaly's reasons, the failed verification); empty when nothing more.</param>
/// <param name="Score">A suspicious archive's anomaly score.</param>
public sealed record CleanSkip(string Name, CleanSkipReason Reason, string Detail, double? Score = null);

/// <summary>The oldest suspicious archive newer than the clean one: the first sign of what ransomware did.</summary>
/// <param name="Name">The suspicious archive's file name.</param>
/// <param name="StartedAt">When it began: a point-in-time restore stops just before.</param>
public sealed record FirstAnomaly(string Name, DateTimeOffset StartedAt);

/// <summary>
/// What <c>o4o restore --latest-clean [--before TIME]</c> restores: the newest archive that is verified and not suspicious
/// (by the anomaly assessments in <c>state.db</c>), made before the limit when one is given. An archive that is only off-site
/// is brought down and verified first (download, SHA-256, decryption, checks and test restore), and passed over when that
/// fails; its decrypted copy is removed when this is disposed.
/// </summary>
public sealed class LatestCleanArchive : IDisposable
{
    private readonly FetchedArchive? _fetched;

    private LatestCleanArchive(CleanArchiveChoice? chosen, FetchedArchive? fetched, IReadOnlyList<CleanSkip> skipped, FirstAnomaly? anomaly) =>
        (Chosen, _fetched, Skipped, Anomaly) = (chosen, fetched, skipped, anomaly);

    /// <summary>The archive to restore; null when none is clean.</summary>
    public CleanArchiveChoice? Chosen { get; }

    /// <summary>The newer archives passed over (all of them when none is clean), newest first.</summary>
    public IReadOnlyList<CleanSkip> Skipped { get; }

    /// <summary>The oldest suspicious archive newer than <see cref="Chosen"/>; null when none is.</summary>
    public FirstAnomaly? Anomaly { get; }

    /// <summary>Chooses among the archives of <paramref name="directory"/> and the complete off-site copies <paramref name="offsite"/>.</summary>
    /// <param name="directory">The backup directory.</param>
    /// <param name="catalogue">Its catalogue: verification results.</param>
    /// <param name="offsite">The names of the archives with a complete off-site copy; empty without <c>Offsite</c>.</param>
    /// <param name="before">Only archives made before this moment; null for any.</param>
    /// <param name="fetch">Brings an off-site copy down and verifies it (<see cref="OffsiteVerifier.FetchAsync"/>).</param>
    /// <param name="cancellationToken">Stops it.</param>
    /// <exception cref="BackupFailedException">The backup directory does not exist.</exception>
    public static async Task<LatestCleanArchive> FindAsync(string directory, BackupCatalogue catalogue, IEnumerable<string> offsite, DateTimeOffset? before,
        Func<string, CancellationToken, Task<FetchedArchive>> fetch, CancellationToken cancellationToken)
    {
        BackupDirectory.EnsureExists(directory);
        var local = (await catalogue.SyncAsync(cancellationToken)).ToDictionary(entry => entry.Name, StringComparer.Ordinal);
        var anomalies = new BackupAnomalies(catalogue.StatePath).ReadAll();
        var newestFirst = local.Keys.Union(offsite, StringComparer.Ordinal)
            .Select(name => (Name: name, StartedAt: local.TryGetValue(name, out var entry) ? entry.Manifest.CreatedAt
                : ArchiveName.TryParseTime(name, out var named) ? named : (DateTimeOffset?)null))
            .Where(archive => archive.StartedAt is not null)
            .OrderByDescending(archive => archive.StartedAt)
            .ToList();
        var skipped = new List<CleanSkip>();
        FirstAnomaly? anomaly = null;
        foreach (var (name, startedAt) in newestFirst)
        {
            if (anomalies.TryGetValue(name, out var assessed) && assessed.Suspicious)
            {
                anomaly = new FirstAnomaly(name, startedAt!.Value);
                skipped.Add(new CleanSkip(name, CleanSkipReason.Suspicious, string.Join("; ", assessed.Reasons), assessed.Score));
            }
            else if (startedAt >= before)
            {
                skipped.Add(new CleanSkip(name, CleanSkipReason.MadeAfterLimit, ""));
            }
            else if (local.TryGetValue(name, out var entry))
            {
                if (entry.Verified == true)
                {
                    return new LatestCleanArchive(new CleanArchiveChoice(name, Path.Combine(directory, name), startedAt!.Value, false), null, skipped, anomaly);
                }

                skipped.Add(entry.Verified == false
                    ? new CleanSkip(name, CleanSkipReason.FailedVerification, entry.VerifyMessage ?? "")
                    : new CleanSkip(name, CleanSkipReason.NotVerified, ""));
            }
            else if (await FetchAsync(fetch, name, skipped, cancellationToken) is { } fetched)
            {
                return new LatestCleanArchive(new CleanArchiveChoice(name, fetched.Archive, startedAt!.Value, true), fetched, skipped, anomaly);
            }
        }

        return new LatestCleanArchive(null, null, skipped, anomaly);
    }

    /// <inheritdoc />
    public void Dispose() => _fetched?.Dispose();

    // An off-site copy that cannot be had is one more archive passed over: an older clean one may still be.
    private static async Task<FetchedArchive?> FetchAsync(Func<string, CancellationToken, Task<FetchedArchive>> fetch, string name, List<CleanSkip> skipped,
        CancellationToken cancellationToken)
    {
        try
        {
            var fetched = await fetch(name, cancellationToken);
            if (fetched.Result.Passed)
            {
                return fetched;
            }

            fetched.Dispose();
            skipped.Add(new CleanSkip(name, CleanSkipReason.OffsiteCopyFailed, fetched.Result.Failure ?? ""));
        }
        catch (OffsiteException unavailable)
        {
            skipped.Add(new CleanSkip(name, CleanSkipReason.OffsiteCopyFailed, unavailable.Message));
        }

        return null;
    }
}

/// <summary>The archive <c>--latest-clean</c> restores.</summary>
/// <param name="Name">Its file name.</param>
/// <param name="Archive">Its path: in the backup directory, or the verified copy brought down from off-site.</param>
/// <param name="StartedAt">When it was made.</param>
/// <param name="FromOffsite">True when it was only off-site.</param>
public sealed record CleanArchiveChoice(string Name, string Archive, DateTimeOffset StartedAt, bool FromOffsite);
