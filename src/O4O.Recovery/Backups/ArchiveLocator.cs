using O4O.Recovery.IO;

namespace O4O.Recovery.Backups;

/// <summary>Finds an archive by the name an operator types: a file name, a name without extension, a path, or <c>latest</c>.</summary>
public static class ArchiveLocator
{
    /// <summary>The full path of the archive <paramref name="name"/> refers to.</summary>
    /// <exception cref="BackupFailedException">The directory is missing or holds no such archive.</exception>
    public static string Find(string directory, string name)
    {
        BackupDirectory.EnsureExists(directory);

        if (name == "latest")
        {
            return Regular(ArchiveName.Newest(directory) ?? throw new BackupFailedException($"There are no backups in {directory}."));
        }

        var candidates = new[] { name, Path.Combine(directory, name), Path.Combine(directory, name + ".tar.gz") };
        return candidates.FirstOrDefault(File.Exists) is { } found
            ? Regular(Path.GetFullPath(found))
            : throw new BackupFailedException($"No backup named {name} in {directory} (see `o4o backup list`).");
    }

    /// <summary>A FIFO would block the reader and a device never end: only a regular file is an archive.</summary>
    private static string Regular(string archive) =>
        RegularFile.IsRegularOrMissing(archive)
            ? archive
            : throw new BackupFailedException($"{archive} is not a regular file (a FIFO or a device?): an archive is a file.");
}
