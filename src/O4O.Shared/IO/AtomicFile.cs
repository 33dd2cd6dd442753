using System.Runtime.InteropServices;

namespace O4O.Recovery.IO;

/// <summary>
/// Writes files so that a crash leaves either the old content or the new, never half of one:
/// temporary name in the same directory, fsync, rename, fsync of the directory.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="contents"/>.</summary>
    /// <param name="path">The destination file.</param>
    /// <param name="contents">The bytes to write.</param>
    /// <param name="mode">Unix permissions of the new file from its creation: owner-only unless a reader needs more.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents, UnixFileMode mode = PrivateFiles.FileMode)
    {
        var (directory, temporary) = WriteTemporary(path, contents, mode);
        try
        {
            File.Move(temporary, path, overwrite: true);
            FlushDirectory(directory);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/> with <paramref name="contents"/> unless it exists: written in full under a temporary
    /// name, then hard-linked in place, which fails rather than replace a file another process made first (.NET's
    /// <c>File.Move</c> without overwrite checks, then renames: two processes can both pass the check).
    /// </summary>
    /// <returns>False when <paramref name="path"/> already existed; it is left as it was.</returns>
    public static bool TryCreate(string path, ReadOnlySpan<byte> contents, UnixFileMode mode = PrivateFiles.FileMode)
    {
        var (directory, temporary) = WriteTemporary(path, contents, mode);
        try
        {
            if (link(temporary, path) != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                return error == AlreadyExists ? false : throw new IOException($"Cannot create {path} (errno {error}).");
            }

            FlushDirectory(directory);
            return true;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes <paramref name="contents"/> to a new file beside <paramref name="path"/> and syncs it.</summary>
    private static (string Directory, string Temporary) WriteTemporary(string path, ReadOnlySpan<byte> contents, UnixFileMode mode)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        PrivateFiles.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using var stream = new FileStream(temporary, options);
            // Exactly the mode asked for: the process's umask (077 for o4o) would take away what a reader was meant to
            // have, such as systemd reading a unit file (0644). Only then: a private file is created private and never
            // changes mode, which the key files' tests hold to under strace.
            if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(stream.SafeFileHandle) != mode)
            {
                File.SetUnixFileMode(stream.SafeFileHandle, mode);
            }

            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return (directory, temporary);
    }

    /// <summary>Atomically replaces <paramref name="path"/> with UTF-8 <paramref name="text"/>.</summary>
    public static void WriteAllText(string path, string text, UnixFileMode mode = PrivateFiles.FileMode) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), mode);

    /// <summary>Makes a rename durable: on Linux the directory entry itself must be synced.</summary>
    public static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // .NET cannot open a directory as a file handle, so this goes to libc.
        var descriptor = open(directory, ReadOnlyDirectory);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = close(descriptor);
        }
    }

    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux

    private const int AlreadyExists = 17; // EEXIST

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string existing, string created);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int descriptor);

    [LibraryImport("libc")]
    private static partial int close(int descriptor);
}
