using O4O.Recovery.Supervision;

namespace O4O.EndToEnd.Tests.Supervision;

/// <summary>
/// The conductor's pgBackRest repository made unwritable for the <c>postgres</c> user and writable again, and the traffic
/// that makes PostgreSQL finish a segment it must archive. pgBackRest writes each segment into a directory per WAL range
/// under <c>archive/STANZA/DB-ID/</c>; the postgres user owns them all, so their modes stop it (root, which runs the tests,
/// is not stopped by modes).
/// </summary>
internal static class ArchiveRepository
{
    /// <summary>Every directory of the WAL archive read-only (0500): the next segment cannot be written.</summary>
    public static void MakeUnwritable(SupervisedUp up) => SetDirectoryModes(Archive(up), (UnixFileMode)0b101_000_000);

    /// <summary>Back to pgBackRest's own modes (0750).</summary>
    public static void MakeWritable(SupervisedUp up) => SetDirectoryModes(Archive(up), (UnixFileMode)0b111_101_000);

    /// <summary>
    /// Writes a little and finishes the segment: it must be archived. A finished segment also wakes PostgreSQL's archiver,
    /// which otherwise waits a minute after three failures.
    /// </summary>
    public static async Task WriteTrafficAsync(SupervisedUp up)
    {
        await using var database = up.Database();
        await using var write = database.CreateCommand(
            "CREATE TABLE IF NOT EXISTS archive_traffic (id int); INSERT INTO archive_traffic SELECT generate_series(1, 1000); SELECT pg_switch_wal()");
        await write.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Waits for the conductor's archiving check and the full physical backup it takes right after (which must not meet
    /// a broken repository, and which opens the recovery window).
    /// </summary>
    public static async Task WaitForCheckAndFirstBackupAsync(SupervisedUp up)
    {
        await up.WaitForEventsAsync("wal-archive", events => events.Any(e => e.Kind == RecoveryEventKind.Note), TimeSpan.FromSeconds(60));
        await up.WaitForEventsAsync("physical-backups", events => events.Any(e => e.Done.StartsWith("ran pgbackrest backup", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(120));
    }

    private static string Archive(SupervisedUp up) => Path.Combine(up.Home.PgBackRest, "repo", "archive");

    private static void SetDirectoryModes(string root, UnixFileMode mode)
    {
        foreach (var directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root))
        {
            File.SetUnixFileMode(directory, mode);
        }
    }
}
