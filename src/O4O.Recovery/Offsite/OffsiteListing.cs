using O4O.Recovery.Backups;
using O4O.Recovery.State;

namespace O4O.Recovery.Offsite;

/// <summary>One archive in the off-site view of <c>o4o backup list</c>.</summary>
/// <param name="Name">The archive's file name.</param>
/// <param name="Location">Where it is.</param>
/// <param name="ObjectKey">Its copy's key in the bucket; null when it has no complete copy.</param>
/// <param name="Sha256">The SHA-256 of the copy (sealed) as uploaded and checked.</param>
/// <param name="UploadedAt">When the copy was completed.</param>
/// <param name="LockUntil">Its Object Lock retain-until date; null when it is not locked.</param>
public sealed record OffsiteArchive(string Name, ArchiveLocation Location, string? ObjectKey, string? Sha256, DateTimeOffset? UploadedAt, DateTimeOffset? LockUntil);

/// <summary>Where every archive is, and the off-site lag.</summary>
/// <param name="Archives">Every archive, local or off-site, oldest first.</param>
/// <param name="Lag">How far the off-site copies trail.</param>
public sealed record OffsiteListing(IReadOnlyList<OffsiteArchive> Archives, OffsiteLagInfo Lag)
{
    /// <summary>The archives of <paramref name="directory"/> and the complete copies in <paramref name="copies"/>.</summary>
    public static OffsiteListing Of(string directory, OffsiteCopies copies, DateTimeOffset now)
    {
        var local = Directory.Exists(directory)
            ? ArchiveName.ListArchives(directory).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        // Only a completed, checked copy is off-site: a half-written upload is nowhere yet.
        var complete = copies.All().Where(copy => copy.Complete).ToDictionary(copy => copy.Name, StringComparer.Ordinal);
        var archives = local.Union(complete.Keys).Order(StringComparer.Ordinal).Select(name =>
        {
            var location = (local.Contains(name), complete.TryGetValue(name, out var copy)) switch
            {
                (true, true) => ArchiveLocation.Both,
                (true, false) => ArchiveLocation.Local,
                _ => ArchiveLocation.Offsite,
            };
            return new OffsiteArchive(name, location, copy?.ObjectKey, copy?.Sha256, copy?.CompletedAt, copy?.LockUntil);
        }).ToList();
        return new OffsiteListing(archives, OffsiteLag.Of(directory, copies, now));
    }
}
