namespace O4O.Recovery.Backups;

/// <summary>
/// The hash chain: each manifest records the SHA-256 of the archive before it, so a replaced or edited
/// older archive is noticed. Archives removed by <c>backup prune</c> are listed in a ledger and are not gaps.
/// </summary>
internal static class BackupChain
{
    private const string PrunedLedger = ".o4o-pruned";

    /// <summary>Why the link from <paramref name="manifest"/> to its predecessor is broken, or null when it holds.</summary>
    /// <param name="directory">The backup directory.</param>
    /// <param name="manifest">The manifest whose link is checked.</param>
    /// <param name="hashOf">The SHA-256 of an archive present in the directory, by file name.</param>
    public static string? LinkProblem(string directory, BackupManifest manifest, Func<string, string> hashOf)
    {
        if (manifest.PreviousArchive is not { } previous)
        {
            return null;
        }

        if (!File.Exists(Path.Combine(directory, previous)))
        {
            return Pruned(directory).Contains(previous)
                ? null
                : $"hash chain broken: the previous archive {previous} is missing (deleted outside `o4o backup prune`)";
        }

        return hashOf(previous) == manifest.PreviousArchiveSha256
            ? null
            : $"hash chain broken: {previous} is not the archive this one follows (replaced or altered)";
    }

    /// <summary>Records that <paramref name="archive"/> was removed on purpose.</summary>
    public static void RecordPruned(string directory, string archive) =>
        File.AppendAllText(Path.Combine(directory, PrunedLedger), archive + "\n");

    /// <summary>True when <paramref name="archive"/> was removed by <c>o4o backup prune</c>.</summary>
    public static bool WasPruned(string directory, string archive) => Pruned(directory).Contains(archive);

    private static HashSet<string> Pruned(string directory)
    {
        var ledger = Path.Combine(directory, PrunedLedger);
        return File.Exists(ledger) ? File.ReadAllLines(ledger).ToHashSet(StringComparer.Ordinal) : [];
    }
}
