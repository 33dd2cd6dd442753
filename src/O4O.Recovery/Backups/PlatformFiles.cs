using O4O.Recovery.Configuration;
using O4O.Recovery.Offsite;

namespace O4O.Recovery.Backups;

/// <summary>The platform's own files in <c>$O4O_HOME</c> that belong in a backup (never the database directory).</summary>
internal static class PlatformFiles
{
    /// <summary>The uploads directory inside the home.</summary>
    public static string Uploads(O4OHome home) => Path.Combine(home.Root, "uploads");

    /// <summary>
    /// o4o.json (without its secrets unless asked, see <see cref="ConfigurationRedaction"/>), uploads/ and, when asked,
    /// secrets/ but never its archive keys (<see cref="ArchiveKeyStore"/>) — as archive members under <c>files/</c>.
    /// </summary>
    /// <exception cref="BackupFailedException">o4o.json is not JSON, so its secrets cannot be left out.</exception>
    public static List<ArchiveSource> Collect(O4OHome home, bool includeSecrets)
    {
        var members = new List<ArchiveSource>();
        if (File.Exists(home.ConfigurationFile))
        {
            var configuration = Member(home, home.ConfigurationFile);
            members.Add(includeSecrets
                ? configuration
                : configuration with { Content = ConfigurationRedaction.Redact(File.ReadAllBytes(home.ConfigurationFile), home.ConfigurationFile) });
        }

        var directories = includeSecrets ? new[] { Uploads(home), home.Secrets } : [Uploads(home)];
        // The archive keys open the off-site copies: inside a backup, the off-site copy of it would carry its own key.
        var archiveKeys = ArchiveKeyStore.DirectoryFor(home) + Path.DirectorySeparatorChar;
        foreach (var directory in directories.Where(Directory.Exists))
        {
            members.AddRange(Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                .Where(file => !file.StartsWith(archiveKeys, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(file => Member(home, file)));
        }

        return members;
    }

    /// <summary>Sizes, hashes and sampled entropy of the platform's files.</summary>
    public static async Task<List<ManifestMember>> DescribeAsync(IEnumerable<ArchiveSource> members, CancellationToken cancellationToken)
    {
        var described = new List<ManifestMember>();
        foreach (var member in members)
        {
            described.Add(member.Content is { } content
                ? new ManifestMember(member.Path, content.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), FileEntropy.Of(content))
                : new ManifestMember(member.Path, new FileInfo(member.Source).Length, await HashingStream.FileSha256Async(member.Source, cancellationToken),
                    await FileEntropy.SampleAsync(member.Source, cancellationToken)));
        }

        return described;
    }

    private static ArchiveSource Member(O4OHome home, string file) =>
        new(ArchiveName.FilesPrefix + Path.GetRelativePath(home.Root, file).Replace('\\', '/'), file, File.GetUnixFileMode(file));
}
