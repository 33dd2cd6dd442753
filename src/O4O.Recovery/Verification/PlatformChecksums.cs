using System.Security.Cryptography;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;

namespace O4O.Recovery.Verification;

/// <summary>A file of the deployed platform that differs from its recorded checksum.</summary>
/// <param name="Path">Its path relative to the platform directory.</param>
/// <param name="Change">"modified", "added" or "removed".</param>
public sealed record ChecksumDifference(string Path, string Change);

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
    public static IReadOnlyList<ChecksumDifference>? Compare(string directory, string file, string? configurationFile = null)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        var recorded = File.ReadAllLines(file)
            .Select(line => line.Split("  ", 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
        var current = Compute(directory, configurationFile);
        return current.Where(pair => recorded.TryGetValue(pair.Key, out var sum) && sum != pair.Value).Select(pair => new ChecksumDifference(pair.Key, "modified"))
            .Concat(current.Keys.Where(path => !recorded.ContainsKey(path)).Select(path => new ChecksumDifference(path, "added")))
            .Concat(recorded.Keys.Where(path => !current.ContainsKey(path)).Select(path => new ChecksumDifference(path, "removed")))
            .OrderBy(difference => difference.Path, StringComparer.Ordinal)
            .ToList();
    }

    private static SortedDictionary<string, string> Compute(string directory, string? configurationFile)
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
