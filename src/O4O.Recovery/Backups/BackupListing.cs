using O4O.Recovery.State;

namespace O4O.Recovery.Backups;

/// <summary>One line of <c>o4o backup list</c>.</summary>
/// <param name="Name">The archive's file name.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="Age">How old it is.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Tables">How many tables it holds.</param>
/// <param name="Rows">How many rows in all.</param>
/// <param name="Verified">Last verification result; null when never verified.</param>
/// <param name="VerifiedAt">When it was last verified.</param>
/// <param name="Problem">Why it is not trustworthy (failed verification, unreadable, broken chain); null when fine.</param>
/// <param name="ChainIntact">True when its link to the previous archive holds.</param>
public sealed record BackupListItem(string Name, DateTimeOffset CreatedAt, TimeSpan Age, long Size, int Tables, long Rows,
    bool? Verified, DateTimeOffset? VerifiedAt, string? Problem, bool ChainIntact)
{
    /// <summary>Its anomaly assessment (suspicious, score, reasons); null for an archive made before o4o assessed them.</summary>
    public ArchiveAnomaly? Anomaly { get; init; }
}

/// <summary>Builds the backup list from the catalogue, synchronised with the directory first.</summary>
public static class BackupListing
{
    /// <summary>Every archive in <paramref name="directory"/>, oldest first.</summary>
    /// <exception cref="BackupFailedException">The directory does not exist.</exception>
    public static async Task<IReadOnlyList<BackupListItem>> ListAsync(string directory, BackupCatalogue catalogue, TimeProvider time, CancellationToken cancellationToken)
    {
        BackupDirectory.EnsureExists(directory);

        var entries = await catalogue.SyncAsync(cancellationToken);
        var hashes = entries.ToDictionary(entry => entry.Name, entry => entry.Sha256, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var anomalies = new BackupAnomalies(catalogue.StatePath).ReadAll();
        return entries.Select(entry =>
        {
            var chain = BackupChain.LinkProblem(directory, entry.Manifest, name => hashes[name]);
            return new BackupListItem(entry.Name, entry.Manifest.CreatedAt, now - entry.Manifest.CreatedAt, entry.Size,
                entry.Manifest.RowCounts.Count, entry.Manifest.RowCounts.Values.Sum(), entry.Verified, entry.VerifiedAt,
                entry.VerifyMessage ?? chain, chain is null)
            { Anomaly = anomalies.GetValueOrDefault(entry.Name) };
        }).ToList();
    }
}
