namespace O4O.Recovery.Backups;

/// <summary>Housekeeping of the backup directory shared by create, prune and the catalogue.</summary>
internal static class BackupDirectory
{
    private const string LockFile = ".o4o-backup.lock";

    /// <summary>Fails clearly when the backup directory is missing (often an unmounted backup volume).</summary>
    /// <exception cref="BackupFailedException">The directory does not exist.</exception>
    public static void EnsureExists(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new BackupFailedException($"Backup directory {directory} does not exist: create it or set O4O__Backup__Directory.");
        }
    }

    /// <summary>Takes the directory's writer lock: one backup or prune at a time.</summary>
    /// <exception cref="LockHeldException">Another backup or prune is running.</exception>
    public static ExclusiveLock LockForWriting(string directory) =>
        ExclusiveLock.Acquire(Path.Combine(directory, LockFile), $"Another backup is already running in {directory}; wait for it to finish.");

    /// <summary>Deletes what a killed backup left behind. Only call while holding the writer lock.</summary>
    public static void RemovePartialFiles(string directory)
    {
        foreach (var partial in Directory.EnumerateFiles(directory, BackupCreator.TemporaryPrefix + "*"))
        {
            File.Delete(partial);
        }
    }
}
