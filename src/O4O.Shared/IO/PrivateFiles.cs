using System.Runtime.InteropServices;

namespace O4O.Recovery.IO;

/// <summary>
/// Everything O4O writes holds data someone must not read (password hashes in a dump, secrets, logs with addresses):
/// files are created 0600 and directories 0700 from the moment they exist, never loosened and tightened afterwards.
/// </summary>
public static partial class PrivateFiles
{
    /// <summary>rw------- for files holding data.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>rwx------ for directories holding data.</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupAndOthers = ~(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    private const uint OwnerOnlyUmask = 0x3F; // 077

    /// <summary>Creates <paramref name="path"/> (and missing parents) as 0700 directories.</summary>
    public static DirectoryInfo CreateDirectory(string path) => Directory.CreateDirectory(path, DirectoryMode);

    /// <summary>Creation options for a new file, 0600 from the start.</summary>
    public static FileStreamOptions CreateNew(FileAccess access, int bufferSize = 4096) => new()
    {
        Mode = System.IO.FileMode.CreateNew,
        Access = access,
        Share = FileShare.None,
        BufferSize = bufferSize,
        UnixCreateMode = FileMode,
    };

    /// <summary>
    /// Creates <paramref name="path"/> empty and 0600 unless it exists, so that a library opening it later (SQLite,
    /// whose WAL and SHM files take the database file's mode) finds it owner-only.
    /// </summary>
    public static void CreateIfMissing(string path)
    {
        CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            using (new FileStream(path, CreateNew(FileAccess.Write)))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created by another process in the meantime: it was made the same way.
        }
    }

    /// <summary>
    /// Sets the process umask to 077, so that files made by libraries and children that take no mode (SQLite's
    /// <c>state.db</c>, its WAL and SHM, Serilog's logs, nginx's logs and temp files) are owner-only too. Call first.
    /// </summary>
    public static void RestrictProcessUmask()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = umask(OwnerOnlyUmask);
        }
    }

    /// <summary>
    /// Takes the group's and others' permissions off everything under <paramref name="root"/> (symbolic links aside,
    /// whose own mode means nothing), and off <paramref name="root"/> itself beyond <paramref name="rootMode"/>.
    /// </summary>
    /// <returns>The paths it tightened, relative to <paramref name="root"/> (<c>.</c> for the root).</returns>
    public static IReadOnlyList<string> Tighten(string root, UnixFileMode rootMode)
    {
        var tightened = new List<string>();
        if (TakeAway(root, ~rootMode))
        {
            tightened.Add(".");
        }

        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var directory))
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null)
                {
                    continue;
                }

                if (TakeAway(entry.FullName, GroupAndOthers))
                {
                    tightened.Add(Path.GetRelativePath(root, entry.FullName));
                }

                if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                }
            }
        }

        return tightened;
    }

    private static bool TakeAway(string path, UnixFileMode forbidden)
    {
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & forbidden) == 0)
            {
                return false;
            }

            File.SetUnixFileMode(path, mode & ~forbidden);
            return true;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            // Gone since it was listed (a postmaster left running writes and removes files in pg/): nothing to tighten.
            return false;
        }
    }

    [LibraryImport("libc")]
    private static partial uint umask(uint mask);
}
