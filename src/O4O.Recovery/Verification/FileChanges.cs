namespace O4O.Recovery.Verification;

/// <summary>A file of the deployed platform changed within the audit window.</summary>
/// <param name="Path">Its path relative to the platform directory.</param>
/// <param name="ModifiedAt">Its last write time.</param>
public sealed record ChangedFile(string Path, DateTimeOffset ModifiedAt);

/// <summary>The runbook's <c>find DIR -type f -mtime -1</c>, for the deployed platform's directory.</summary>
public static class FileChanges
{
    /// <summary>Every file below a directory, hidden ones too: a dropped dotfile is exactly what an audit looks for.</summary>
    internal static readonly EnumerationOptions EveryFile = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.None,
    };

    /// <summary>Files under <paramref name="directory"/> written since <paramref name="since"/>, newest first.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static IReadOnlyList<ChangedFile> Since(string directory, DateTimeOffset since)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The platform directory {directory} does not exist.");
        }

        return new DirectoryInfo(directory)
            .EnumerateFiles("*", EveryFile)
            .Where(file => file.LastWriteTimeUtc >= since.UtcDateTime)
            .Select(file => new ChangedFile(Path.GetRelativePath(directory, file.FullName), new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero)))
            .OrderByDescending(file => file.ModifiedAt)
            .ToList();
    }
}
