using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace O4O.Recovery.PointInTime;

/// <summary>One WAL file in a repository's archive: a segment or a timeline's history file, and when it was stored.</summary>
/// <param name="Name">Its name as PostgreSQL knows it (<c>000000010000000000000005</c>, <c>00000002.history</c>).</param>
/// <param name="StoredAt">When the repository stored it.</param>
internal sealed record ArchivedWalFile(string Name, DateTimeOffset StoredAt)
{
    /// <summary>True for a timeline's history file.</summary>
    public bool IsHistory => Name.EndsWith(".history", StringComparison.Ordinal);
}

/// <summary>
/// The WAL files in the repositories' current archive (the local repository's newest <c>archive/STANZA/VERSION-ID</c>
/// directory), from <c>pgbackrest repo-ls</c>, which reads the bucket the way pgBackRest wrote it. The local repository is
/// listed recursively; another is listed directory by directory, the local one's directories only: S3-compatible servers
/// differ in listing with a delimiter (s3rver lists no sub-directories, so a recursive listing of the bucket is empty).
/// The <c>.backup</c> labels pgBackRest keeps beside the segments are left out: a restore does not read them.
/// </summary>
internal static partial class ArchivedWal
{
    /// <summary>The files of the local repository's current archive, by name, and the directories they are in.</summary>
    /// <exception cref="PgBackRestException">The repository could not be listed.</exception>
    public static async Task<(IReadOnlyDictionary<string, ArchivedWalFile> Files, IReadOnlyList<string> Directories)> ListLocalAsync(
        PgBackRest pgBackRest, CancellationToken cancellationToken)
    {
        var entries = await ListAsync(pgBackRest, PgBackRestOffsite.Local, $"archive/{PgBackRest.Stanza}", recurse: true, cancellationToken);
        var current = entries.Select(entry => ArchiveIdOf(entry.Path)).OfType<(string Directory, int History)>().DistinctBy(id => id.Directory)
            .OrderBy(id => id.History).LastOrDefault().Directory;
        var files = entries.Where(entry => current is not null && entry.Path.StartsWith($"{current}/", StringComparison.Ordinal)).ToList();
        return (Named(files), [.. files.Select(entry => Path.GetDirectoryName(entry.Path)!).Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>The files of <paramref name="repository"/> in <paramref name="directories"/> (of <c>archive/STANZA</c>), by name.</summary>
    /// <exception cref="PgBackRestException">The repository could not be listed.</exception>
    public static async Task<IReadOnlyDictionary<string, ArchivedWalFile>> ListAsync(PgBackRest pgBackRest, int repository,
        IEnumerable<string> directories, CancellationToken cancellationToken)
    {
        List<(string Path, long Time)> files = [];
        foreach (var directory in directories)
        {
            files.AddRange(await ListAsync(pgBackRest, repository, $"archive/{PgBackRest.Stanza}/{directory}", recurse: false, cancellationToken));
        }

        return Named(files);
    }

    private static async Task<List<(string Path, long Time)>> ListAsync(PgBackRest pgBackRest, int repository, string path, bool recurse,
        CancellationToken cancellationToken)
    {
        var output = await pgBackRest.ForRepository(repository).RunAsync("repo-ls",
            ["--output=json", .. recurse ? ["--recurse"] : Array.Empty<string>(), PgBackRestOffsite.RepositoryOption(repository)], [path], cancellationToken);
        return [.. JsonDocument.Parse(output).RootElement.EnumerateObject()
            .Where(entry => entry.Value.GetProperty("type").GetString() == "file")
            .Select(entry => (Path: entry.Name, Time: entry.Value.TryGetProperty("time", out var time) ? time.GetInt64() : 0))];
    }

    private static Dictionary<string, ArchivedWalFile> Named(IEnumerable<(string Path, long Time)> files) => files
        .Select(file => (Name: NameOf(Path.GetFileName(file.Path)), file.Time))
        .Where(file => file.Name is not null)
        .ToDictionary(file => file.Name!, file => new ArchivedWalFile(file.Name!, DateTimeOffset.FromUnixTimeSeconds(file.Time)), StringComparer.Ordinal);

    // 15-1/0000000100000000/…: the archive of the first database the stanza recorded; a PostgreSQL upgrade adds 16-2.
    private static (string Directory, int History)? ArchiveIdOf(string path) =>
        ArchiveId().Match(path) is { Success: true } match
            ? (match.Groups[0].Value.TrimEnd('/'), int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
            : null;

    // A segment is stored as SEGMENT-SHA1 with the compression's extension; a history file under its own name.
    private static string? NameOf(string file) =>
        Segment().Match(file) is { Success: true } segment ? segment.Groups[1].Value : History().IsMatch(file) ? file : null;

    [GeneratedRegex(@"^\d+-(\d+)/")]
    private static partial Regex ArchiveId();

    [GeneratedRegex(@"^([0-9A-F]{24})-[0-9a-f]{40}(\.[a-z0-9]+)?$")]
    private static partial Regex Segment();

    [GeneratedRegex(@"^[0-9A-F]{8}\.history$")]
    private static partial Regex History();
}
