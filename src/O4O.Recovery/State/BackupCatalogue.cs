using System.Text;
using Dapper;
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

    /// <summary>The state database the catalogue lives in.</summary>
    public string StatePath => _path;

    /// <summary>The hash recorded for <paramref name="name"/>, when the file is still the one recorded (same size and time).</summary>
    public string? KnownHash(string name)
    {
        var file = new FileInfo(Path.Combine(_directory, name));
        if (!file.Exists)
        {
            return null;
        }

        using var connection = Open();
        return connection.ExecuteScalar<string?>("SELECT sha256 FROM backup_archives WHERE name = @name AND size = @size AND mtime = @mtime",
            new { name, size = file.Length, mtime = FileTime(file) });
    }

    /// <summary>
    /// The SHA-256 of <paramref name="name"/>'s whole file as o4o wrote it; null for an archive written before o4o kept
    /// them. Unlike <see cref="KnownHash"/>, it never follows a change to the file: it is what the file must still be.
    /// </summary>
    public string? WrittenHash(string name)
    {
        using var connection = Open();
        return connection.ExecuteScalar<string?>("SELECT sha256 FROM backup_written WHERE name = @name", new { name });
    }

    /// <summary>The manifest recorded for <paramref name="name"/> (even if its file has changed since), or null when the catalogue has none.</summary>
    public BackupManifest? RecordedManifest(string name)
    {
        using var connection = Open();
        return connection.ExecuteScalar<string?>("SELECT manifest FROM backup_archives WHERE name = @name", new { name }) is { } json
            ? BackupManifest.Parse(Encoding.UTF8.GetBytes(json), name)
            : null;
    }

    /// <summary>Records a freshly created archive.</summary>
    public void Record(BackupResult result)
    {
        var name = Path.GetFileName(result.ArchivePath);
        Upsert(name, result.Sha256, result.Manifest);
        using var connection = Open();
        connection.Execute("INSERT OR REPLACE INTO backup_written (name, sha256) VALUES (@name, @sha)", new { name, sha = result.Sha256 });
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
            connection.Execute("DELETE FROM backup_archives WHERE name = @name; DELETE FROM backup_written WHERE name = @name", new { name = gone.Name });
        }

        return entries.Where(entry => present.Contains(entry.Name)).ToList();
    }

    /// <summary>Records the outcome of <c>backup verify</c>.</summary>
    public void RecordVerification(string name, DateTimeOffset time, bool passed, string? message)
    {
        using var connection = Open();
        connection.Execute("UPDATE backup_archives SET verified_at = @time, verified = @ok, verify_message = @message WHERE name = @name",
            new { name, time = time.ToUnixTimeMilliseconds(), ok = passed ? 1 : 0, message });
    }

    /// <summary>Records a restore, its outcome and the database kept aside.</summary>
    public void RecordRestore(string archive, DateTimeOffset started, DateTimeOffset finished, RestoreRecordOutcome outcome, string? detail)
    {
        using var connection = Open();
        connection.Execute("INSERT INTO backup_restores (archive, started_at, finished_at, outcome, detail) VALUES (@archive, @started, @finished, @outcome, @detail)",
            new { archive, started = started.ToUnixTimeMilliseconds(), finished = finished.ToUnixTimeMilliseconds(), outcome = outcome.ToText(), detail });
    }

    private void Upsert(string name, string sha256, BackupManifest manifest, string? unreadable = null)
    {
        var file = new FileInfo(Path.Combine(_directory, name));
        using var connection = Open();
        connection.Execute(CatalogueSchema.Upsert, new
        {
            name,
            size = file.Length,
            mtime = FileTime(file),
            sha = sha256,
            manifest = Encoding.UTF8.GetString(manifest.ToJson()),
            ok = unreadable is null ? (int?)null : 0,
            message = unreadable,
        });
    }

    // With the size, what tells the catalogue the file is still the one it hashed.
    private static long FileTime(FileInfo file) => new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeMilliseconds();

    private SqliteConnection Open() => StateDatabase.Open(_path);
}
