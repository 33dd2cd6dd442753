namespace O4O.Recovery.Verification;

/// <summary>A file of the deployed platform changed within the audit window.</summary>
/// <param name="Path">Its path relative to the platform directory.</param>
/// <param name="ModifiedAt">Its last write time.</param>
public sealed record ChangedFile(string Path, DateTimeOffset ModifiedAt);

/// <summary>The runbook's <c>find DIR -type f -mtime -1</c>, for the deployed platform's directory and its configuration file.</summary>
public static class FileChanges
{
    /// <summary>Every file below a directory, hidden ones too: a dropped dotfile is exactly what an audit looks for.</summary>
    internal static readonly EnumerationOptions EveryFile = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.None,
    };

    /// <summary>
    /// Files under <paramref name="directory"/>, and <paramref name="configurationFile"/> when given, written since
    /// <paramref name="since"/>, newest first.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static IReadOnlyList<ChangedFile> Since(string directory, DateTimeOffset since, string? configurationFile = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The platform directory {directory} does not exist.");
        }

        return Audited(directory, configurationFile)
            .Where(file => file.LastWriteTimeUtc >= since.UtcDateTime)
            .Select(file => new ChangedFile(Name(directory, file), new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero)))
            .OrderByDescending(file => file.ModifiedAt)
            .ToList();
    }

    /// <summary>What an audit looks at: every file under the platform's directory, and its configuration file when it exists.</summary>
    internal static IEnumerable<FileInfo> Audited(string directory, string? configurationFile)
    {
        var files = new DirectoryInfo(directory).EnumerateFiles("*", EveryFile);
        return configurationFile is not null && File.Exists(configurationFile) ? files.Append(new FileInfo(configurationFile)) : files;
    }

    /// <summary>A platform file by its path relative to <paramref name="directory"/>; a file outside it by its full path.</summary>
    internal static string Name(string directory, FileInfo file)
    {
        var relative = Path.GetRelativePath(directory, file.FullName);
        return relative.StartsWith("..", StringComparison.Ordinal) ? file.FullName : relative;
    }
}
