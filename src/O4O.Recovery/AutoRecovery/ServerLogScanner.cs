using System.Text;

namespace O4O.Recovery.AutoRecovery;

/// <summary>
/// Reads what the managed server appended to its log (<c>pg/log/postgresql-*.log</c>) since the last call and picks out
/// the lines that mean damaged data: a relation file missing or unreadable, a page that fails its checksum. Query
/// errors land in the same log, so a damaged table that a customer's request touches is seen here too.
/// </summary>
internal sealed class ServerLogScanner(string logDirectory)
{
    private static readonly string[] _damage =
    [
        "could not open file",
        "could not read block",
        "invalid page in block",
        "page verification failed",
        "checksum verification failed",
        "could not access status of transaction",
    ];

    private string? _file;
    private long _position;

    /// <summary>Starts at the end of the current log: what was logged before the conductor started is history.</summary>
    public void SkipExisting()
    {
        _file = Newest();
        _position = _file is null ? 0 : new FileInfo(_file).Length;
    }

    /// <summary>Lines appended since the last call that report damage.</summary>
    public IReadOnlyList<string> NewDamage()
    {
        var newest = Newest();
        if (newest is null)
        {
            return [];
        }

        if (newest != _file)
        {
            (_file, _position) = (newest, 0);
        }

        using var stream = new FileStream(newest, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        // A file truncated by the weekly rotation starts over.
        _position = stream.Length < _position ? 0 : _position;
        stream.Seek(_position, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var found = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (_damage.Any(sign => line.Contains(sign, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(line.Trim());
            }
        }

        _position = stream.Length;
        return found;
    }

    private string? Newest() =>
        Directory.Exists(logDirectory)
            ? new DirectoryInfo(logDirectory).EnumerateFiles("postgresql-*.log").OrderByDescending(file => file.LastWriteTimeUtc).FirstOrDefault()?.FullName
            : null;
}
