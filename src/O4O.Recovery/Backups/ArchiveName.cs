using System.Globalization;

namespace O4O.Recovery.Backups;

/// <summary>
/// Names as the runbook's operators expect them: <c>o4o_backup_YYYYMMDD_HHMMSS.tar.gz</c> holding
/// <c>db/o4o_db_YYYYMMDD_HHMMSS.sql.gz</c>. Times are UTC so names sort in creation order on every server.
/// </summary>
public static class ArchiveName
{
    /// <summary>The manifest's member name inside an archive.</summary>
    public const string ManifestMember = "manifest.json";

    /// <summary>The prefix of the platform's files inside an archive.</summary>
    public const string FilesPrefix = "files/";

    private const string Prefix = "o4o_backup_";
    private const string Suffix = ".tar.gz";
    private const string StampFormat = "yyyyMMdd_HHmmss";

    /// <summary>The archive file name for a backup started at <paramref name="time"/>.</summary>
    public static string For(DateTimeOffset time) => Prefix + Stamp(time) + Suffix;

    /// <summary>The database member's path inside the archive for a backup started at <paramref name="time"/>.</summary>
    public static string DatabaseMember(DateTimeOffset time) => $"db/o4o_db_{Stamp(time)}.sql.gz";

    /// <summary>True for a file name of the form <c>o4o_backup_YYYYMMDD_HHMMSS.tar.gz</c>.</summary>
    public static bool IsArchive(string fileName) => TryParseTime(fileName, out _);

    /// <summary>The creation time encoded in an archive's file name.</summary>
    public static bool TryParseTime(string fileName, out DateTimeOffset time)
    {
        time = default;
        return fileName.StartsWith(Prefix, StringComparison.Ordinal)
            && fileName.EndsWith(Suffix, StringComparison.Ordinal)
            && DateTimeOffset.TryParseExact(fileName[Prefix.Length..^Suffix.Length], StampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out time);
    }

    /// <summary>The archives in <paramref name="directory"/>, oldest first (names sort by time).</summary>
    public static IReadOnlyList<string> ListArchives(string directory) =>
        Directory.EnumerateFiles(directory, Prefix + "*" + Suffix)
            .Where(path => IsArchive(Path.GetFileName(path)))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The newest archive in <paramref name="directory"/>, or null when there is none.</summary>
    public static string? Newest(string directory) => ListArchives(directory) is [.., var newest] ? newest : null;

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);
}
