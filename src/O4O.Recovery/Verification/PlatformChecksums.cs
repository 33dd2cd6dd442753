using System.Security.Cryptography;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Recovery.Verification;

/// <summary>A file of the deployed platform that differs from its recorded checksum.</summary>
/// <param name="Path">Its path relative to the platform directory.</param>
/// <param name="Change">"modified", "added" or "removed".</param>
public sealed record ChecksumDifference(string Path, string Change);

/// <summary>A difference with its checksums, for the evidence of an incident.</summary>
/// <param name="Path">Its path relative to the platform directory.</param>
/// <param name="Change">"modified", "added" or "removed".</param>
/// <param name="Recorded">The SHA-256 recorded, null for an added file.</param>
/// <param name="Current">The SHA-256 now, null for a removed file.</param>
public sealed record ChecksumEvidence(string Path, string Change, string? Recorded, string? Current);

/// <summary>
/// SHA-256 checksums of the deployed platform's files (<c>sha256sum</c> format), recorded at deploy or start and
/// compared by <c>o4o audit</c>: stronger than modification times, which anyone who changes a file can reset.
/// </summary>
public static class PlatformChecksums
{
    /// <summary>Where the checksums are kept: <c>$O4O_HOME/platform.sha256</c>.</summary>
    public static string FileIn(O4OHome home) => Path.Combine(home.Root, "platform.sha256");

    /// <summary>
    /// Records the checksums of every file under <paramref name="directory"/>, and of <paramref name="configurationFile"/>
    /// (by its full path) when there is one, in <paramref name="file"/> (atomically).
    /// </summary>
    public static int Record(string directory, string file, string? configurationFile = null)
    {
        var sums = Compute(directory, configurationFile);
        AtomicFile.WriteAllText(file, string.Concat(sums.Select(pair => $"{pair.Value}  {pair.Key}\n")));
        return sums.Count;
    }

    /// <summary>The files that differ from <paramref name="file"/>'s record, or null when nothing was recorded.</summary>
    public static IReadOnlyList<ChecksumDifference>? Compare(string directory, string file, string? configurationFile = null) =>
        CompareWithSums(directory, file, configurationFile)?.Select(difference => new ChecksumDifference(difference.Path, difference.Change)).ToList();

    /// <summary>As <see cref="Compare"/>, with the recorded and the current checksum of each file.</summary>
    public static IReadOnlyList<ChecksumEvidence>? CompareWithSums(string directory, string file, string? configurationFile = null)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        var recorded = File.ReadAllLines(file)
            .Select(line => line.Split("  ", 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
        return Differences(recorded, Compute(directory, configurationFile));
    }

    /// <summary>
    /// The files of <paramref name="directory"/> that differ from <paramref name="release"/>'s manifest: the release's
    /// files are exactly what was published, so a modified, added or removed file is a finding.
    /// </summary>
    public static IReadOnlyList<ChecksumEvidence> CompareWithRelease(string directory, Releases.ReleaseManifest release) =>
        Differences(release.Files, Compute(directory));

    private static List<ChecksumEvidence> Differences(IReadOnlyDictionary<string, string> recorded, SortedDictionary<string, string> current)
    {
        return current.Where(pair => recorded.TryGetValue(pair.Key, out var sum) && sum != pair.Value)
            .Select(pair => new ChecksumEvidence(pair.Key, "modified", recorded[pair.Key], pair.Value))
            .Concat(current.Where(pair => !recorded.ContainsKey(pair.Key)).Select(pair => new ChecksumEvidence(pair.Key, "added", null, pair.Value)))
            .Concat(recorded.Where(pair => !current.ContainsKey(pair.Key)).Select(pair => new ChecksumEvidence(pair.Key, "removed", pair.Value, null)))
            .OrderBy(difference => difference.Path, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The SHA-256 of every file under <paramref name="directory"/> (and <paramref name="configurationFile"/>), by name.</summary>
    internal static SortedDictionary<string, string> Compute(string directory, string? configurationFile = null)
    {
        var sums = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in FileChanges.Audited(directory, configurationFile))
        {
            using var stream = file.OpenRead();
            sums[FileChanges.Name(directory, file)] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return sums;
    }
}
