using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using O4O.Recovery.Backups;

namespace O4O.Recovery.State;

/// <summary>One archive as the catalogue knows it.</summary>
/// <param name="Name">The archive's file name.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">The SHA-256 of the whole file.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="VerifiedAt">When <c>backup verify</c> last ran on it.</param>
/// <param name="Verified">Whether that verification passed; null when never verified.</param>
/// <param name="VerifyMessage">Why it failed, when it did.</param>
public sealed record CatalogueEntry(string Name, long Size, string Sha256, BackupManifest Manifest, DateTimeOffset? VerifiedAt, bool? Verified, string? VerifyMessage);

/// <summary>
/// The backup catalogue in <c>$O4O_HOME/state.db</c> (SQLite, WAL): archive hashes, verification results and
/// restores. Never the source of truth: <see cref="SyncAsync"/> rebuilds it from the manifests in the directory.
/// </summary>
public sealed class BackupCatalogue
{
    private readonly string _path;
    private readonly string _directory;

    /// <summary>Opens (and creates) the catalogue at <paramref name="stateDatabase"/> for <paramref name="backupDirectory"/>.</summary>
    public BackupCatalogue(string stateDatabase, string backupDirectory)
    {
        _path = stateDatabase;
        _directory = backupDirectory;
        StateDatabase.Prepare(stateDatabase);
    }

    /// <summary>The hash recorded for <paramref name="name"/>, when the file is still the one recorded (same size and time).</summary>
    public string? KnownHash(string name)
    {
        var file = new FileInfo(Path.Combine(_directory, name));
        if (!file.Exists)
        {
            return null;
        }

        using var connection = Open();
        using var command = Command(connection, "SELECT sha256 FROM backup_archives WHERE name = $name AND size = $size AND mtime = $mtime",
            ("$name", name), ("$size", file.Length), ("$mtime", file.LastWriteTimeUtc.Ticks));
        return command.ExecuteScalar() as string;
    }

    /// <summary>
    /// The SHA-256 of <paramref name="name"/>'s whole file as o4o wrote it; null for an archive written before o4o kept
    /// them. Unlike <see cref="KnownHash"/>, it never follows a change to the file: it is what the file must still be.
    /// </summary>
    public string? WrittenHash(string name)
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT sha256 FROM backup_written WHERE name = $name", ("$name", name));
        return command.ExecuteScalar() as string;
    }

    /// <summary>Records a freshly created archive.</summary>
    public void Record(BackupResult result)
    {
        var name = Path.GetFileName(result.ArchivePath);
        Upsert(name, result.Sha256, result.Manifest);
        using var connection = Open();
        using var command = Command(connection, "INSERT OR REPLACE INTO backup_written (name, sha256) VALUES ($name, $sha)", ("$name", name), ("$sha", result.Sha256));
        command.ExecuteNonQuery();
    }

    /// <summary>Adds archives the catalogue does not know (or whose file changed), forgets deleted ones; returns all, oldest first.</summary>
    public async Task<IReadOnlyList<CatalogueEntry>> SyncAsync(CancellationToken cancellationToken)
    {
        var present = ArchiveName.ListArchives(_directory).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        foreach (var name in present.Where(name => KnownHash(name!) is null))
        {
            var path = Path.Combine(_directory, name!);
            try
            {
                var manifest = await ArchiveReader.ReadManifestAsync(path, cancellationToken);
                Upsert(name!, await HashingStream.FileSha256Async(path, cancellationToken), manifest);
            }
            catch (BackupCorruptException exception)
            {
                // An unreadable archive stays visible in the list as failed rather than vanishing.
                Upsert(name!, await HashingStream.FileSha256Async(path, cancellationToken), CatalogueSchema.Unreadable(name!), exception.Message);
            }
        }

        using var connection = Open();
        var entries = CatalogueSchema.ReadEntries(connection);
        foreach (var gone in entries.Where(entry => !present.Contains(entry.Name)))
        {
            using var delete = Command(connection, "DELETE FROM backup_archives WHERE name = $name; DELETE FROM backup_written WHERE name = $name", ("$name", gone.Name));
            delete.ExecuteNonQuery();
        }

        return entries.Where(entry => present.Contains(entry.Name)).ToList();
    }

    /// <summary>Records the outcome of <c>backup verify</c>.</summary>
    public void RecordVerification(string name, DateTimeOffset time, bool passed, string? message)
    {
        using var connection = Open();
        using var command = Command(connection, "UPDATE backup_archives SET verified_at = $time, verified = $ok, verify_message = $message WHERE name = $name",
            ("$name", name), ("$time", time.ToString("O", CultureInfo.InvariantCulture)), ("$ok", passed ? 1 : 0), ("$message", message));
        command.ExecuteNonQuery();
    }

    /// <summary>Records a restore, its outcome and the database kept aside.</summary>
    public void RecordRestore(string archive, DateTimeOffset started, DateTimeOffset finished, string outcome, string? detail)
    {
        using var connection = Open();
        using var command = Command(connection,
            "INSERT INTO backup_restores (archive, started_at, finished_at, outcome, detail) VALUES ($archive, $started, $finished, $outcome, $detail)",
            ("$archive", archive), ("$started", started.ToString("O", CultureInfo.InvariantCulture)),
            ("$finished", finished.ToString("O", CultureInfo.InvariantCulture)), ("$outcome", outcome), ("$detail", detail));
        command.ExecuteNonQuery();
    }

    private void Upsert(string name, string sha256, BackupManifest manifest, string? unreadable = null)
    {
        var file = new FileInfo(Path.Combine(_directory, name));
        using var connection = Open();
        using var command = Command(connection, CatalogueSchema.Upsert,
            ("$name", name), ("$size", file.Length), ("$mtime", file.LastWriteTimeUtc.Ticks), ("$sha", sha256),
            ("$manifest", Encoding.UTF8.GetString(manifest.ToJson())), ("$ok", unreadable is null ? null : 0), ("$message", unreadable));
        command.ExecuteNonQuery();
    }

    private SqliteConnection Open() => StateDatabase.Open(_path);

    internal static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
