using System.Formats.Tar;
using System.Text;

namespace O4O.Recovery.Backups;

/// <summary>
/// Member names and types an archive may hold. An archive is a file anyone with access to the backup directory can
/// craft, and a restore runs as root: only what o4o itself writes is accepted — regular files named <c>db/NAME</c> or
/// <c>files/RELATIVE/PATH</c>, each segment a plain name — and a path taken from an archive is resolved inside its
/// target directory or refused.
/// </summary>
internal static class MemberPath
{
    private static readonly string[] _prefixes = ["db/", ArchiveName.FilesPrefix];

    /// <summary>Why <paramref name="name"/> (a member other than the manifest) is unsafe to hold; null when it is safe.</summary>
    public static string? Problem(string name)
    {
        if (name.Any(char.IsControl))
        {
            return "its name holds a control character";
        }

        if (_prefixes.FirstOrDefault(prefix => name.StartsWith(prefix, StringComparison.Ordinal)) is not { } prefix)
        {
            return "it is neither under db/ nor under files/";
        }

        var relative = name[prefix.Length..];
        if (relative.Length == 0 || relative[0] == '/')
        {
            return relative.Length == 0 ? $"its path is empty after {prefix}" : $"its path is absolute after {prefix}";
        }

        var segments = relative.Split('/');

        return segments.Any(segment => segment is "" or "." or "..")
            ? "its path has an empty, '.' or '..' segment"
            : null;
    }

    /// <summary>Why a member of <paramref name="type"/> is unsafe; null for a regular file, the only kind o4o writes.</summary>
    public static string? Problem(TarEntryType type) => type switch
    {
        TarEntryType.RegularFile or TarEntryType.V7RegularFile => null,
        TarEntryType.SymbolicLink => "it is a symbolic link",
        TarEntryType.HardLink => "it is a hard link",
        TarEntryType.CharacterDevice or TarEntryType.BlockDevice => "it is a device file",
        TarEntryType.Fifo => "it is a FIFO",
        TarEntryType.Directory => "it is a directory",
        _ => $"it is not a regular file (tar type {(char)type})",
    };

    /// <summary>The full path of <paramref name="relative"/> inside <paramref name="directory"/>.</summary>
    /// <exception cref="ArgumentException">The path resolves outside the directory.</exception>
    public static string Inside(string directory, string relative)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Join(root, relative));
        return full.StartsWith(root, StringComparison.Ordinal) && full.Length > root.Length
            ? full
            : throw new ArgumentException($"'{relative}' resolves outside {directory}.", nameof(relative));
    }

    /// <summary>The name as it can be shown on one line: control characters escaped.</summary>
    public static string Printable(string name)
    {
        var printable = new StringBuilder(name.Length);
        foreach (var character in name)
        {
            printable.Append(char.IsControl(character) ? $"\\u{(int)character:x4}" : character);
        }

        return printable.ToString();
    }
}
