using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using O4O.Recovery.Backups;

namespace O4O.Recovery.State;

/// <summary>The catalogue's upsert and row mapping.</summary>
internal static class CatalogueSchema
{
    // A changed file loses its old verification: it is no longer the archive that was verified.
    public const string Upsert = """
        INSERT INTO backup_archives (name, size, mtime, sha256, manifest, verified, verify_message)
        VALUES (@name, @size, @mtime, @sha, @manifest, @ok, @message)
        ON CONFLICT (name) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, sha256 = excluded.sha256,
            manifest = excluded.manifest, verified_at = NULL, verified = excluded.verified, verify_message = excluded.verify_message
        """;

    /// <summary>A placeholder manifest for an archive whose own cannot be read.</summary>
    public static BackupManifest Unreadable(string name) =>
        new(0, ArchiveName.TryParseTime(name, out var time) ? time : DateTimeOffset.MinValue, TimeSpan.Zero, "", "", "",
            new Dictionary<string, long>(), [], null, null);

    public static List<CatalogueEntry> ReadEntries(SqliteConnection connection) =>
        connection.Query<EntryRow>(
                "SELECT name, size, sha256, manifest, verified_at AS VerifiedAt, verified, verify_message AS VerifyMessage FROM backup_archives ORDER BY name")
            .Select(row => row.ToEntry())
            .ToList();

    private sealed record EntryRow(string Name, long Size, string Sha256, string Manifest, long? VerifiedAt, long? Verified, string? VerifyMessage)
    {
        public CatalogueEntry ToEntry() => new(Name, Size, Sha256,
            JsonSerializer.Deserialize<BackupManifest>(Encoding.UTF8.GetBytes(Manifest), BackupManifest.Json)!,
            VerifiedAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null, Verified is { } verified ? verified == 1 : null, VerifyMessage);
    }
}
