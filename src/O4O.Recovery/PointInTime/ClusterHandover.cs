using O4O.Recovery.IO;

namespace O4O.Recovery.PointInTime;

/// <summary>
/// Makes the promoted, shut-down side instance's data directory fit to run as the live cluster. Its recovery settings
/// (written by pgBackRest into <c>postgresql.auto.conf</c>) lose <c>archive_mode=off</c>, and <c>restore_command</c> names the
/// live directory instead of the side one and uses the live configuration's lock and spool directories instead of the side
/// instance's own (<see cref="SideInstance.ArchiveGetOptions"/>, removed with it). Its promotion wrote the new timeline's history file while it did not archive:
/// the file is marked ready, as PostgreSQL marks it when it archives, so the live server's archiver pushes it to the
/// repository (a later restore on this timeline needs it).
/// </summary>
internal static class ClusterHandover
{
    /// <summary>
    /// Rewrites what must differ in <paramref name="dataDirectory"/>, which will run in <paramref name="liveDirectory"/>;
    /// <paramref name="sideOptions"/> are the side instance's own, taken out of its restore command; <paramref name="movedHome"/>,
    /// a staged home that is renamed into the live one (a bare-machine restore's), whose paths are rewritten too.
    /// </summary>
    /// <returns>The files it wrote, for the caller to hand to the service user.</returns>
    public static IReadOnlyList<string> Prepare(string dataDirectory, string liveDirectory, IEnumerable<string> sideOptions,
        (string From, string To)? movedHome = null)
    {
        var settings = Path.Combine(dataDirectory, "postgresql.auto.conf");
        var lines = File.ReadAllLines(settings)
            .Where(line => !line.TrimStart().StartsWith("archive_mode", StringComparison.Ordinal))
            .Select(line => sideOptions.Aggregate(line, (rewritten, option) => rewritten.Replace($" {option}", "", StringComparison.Ordinal)))
            .Select(line => line.Replace(dataDirectory, liveDirectory, StringComparison.Ordinal))
            .Select(line => movedHome is { } moved ? line.Replace(moved.From, moved.To, StringComparison.Ordinal) : line);
        AtomicFile.WriteAllText(settings, string.Join('\n', lines) + "\n");

        var status = Path.Combine(dataDirectory, "pg_wal", "archive_status");
        var ready = Directory.EnumerateFiles(Path.Combine(dataDirectory, "pg_wal"), "*.history")
            .Select(history => Path.Combine(status, Path.GetFileName(history)))
            .Where(marker => !File.Exists(marker + ".done") && !File.Exists(marker + ".ready"))
            .Select(marker => marker + ".ready")
            .ToList();
        ready.ForEach(marker => AtomicFile.WriteAllBytes(marker, []));
        return [settings, .. ready];
    }
}
