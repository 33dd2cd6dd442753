namespace O4O.Recovery.Backups;

/// <summary>
/// A lock file with flock semantics: .NET takes <c>flock(LOCK_EX | LOCK_NB)</c> for <see cref="FileShare.None"/>
/// on Linux, and the kernel releases it when the holder exits, even by <c>kill -9</c> — so no stale lock.
/// </summary>
internal sealed class ExclusiveLock : IDisposable
{
    private readonly FileStream _file;

    private ExclusiveLock(FileStream file) => _file = file;

    /// <summary>Takes the lock at <paramref name="path"/> or fails at once.</summary>
    /// <param name="path">The lock file; created if missing.</param>
    /// <param name="heldMessage">The one-line error when another process holds it.</param>
    /// <exception cref="LockHeldException">Another process holds the lock.</exception>
    public static ExclusiveLock Acquire(string path, string heldMessage)
    {
        try
        {
            // 0600 from creation, as every file O4O makes (a lock file may sit among secrets).
            return new ExclusiveLock(new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = IO.PrivateFiles.FileMode,
            }));
        }
        catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new LockHeldException(heldMessage);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}

/// <summary>Another o4o process is doing the same job right now.</summary>
public sealed class LockHeldException(string message) : Exception(message);
