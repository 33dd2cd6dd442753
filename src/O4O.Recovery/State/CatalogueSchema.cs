using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using O4O.Recovery.Backups;

namespace O4O.Recovery.State;

/// <summary>The catalogue's tables and row mapping.</summary>
internal static class CatalogueSchema
{
    // A changed file loses its old verification: it is no longer the archive that was verified.
    public const string Upsert = """
        INSERT INTO backup_archives (name, size, mtime, sha256, manifest, verified, verify_message)
        VALUES ($name, $size, $mtime, $sha, $manifest, $ok, $message)
        ON CONFLICT (name) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, sha256 = excluded.sha256,
            manifest = excluded.manifest, verified_at = NULL, verified = excluded.verified, verify_message = excluded.verify_message
        """;

    /// <summary>A placeholder manifest for an archive whose own cannot be read.</summary>
    public static BackupManifest Unreadable(string name) =>
        new(0, ArchiveName.TryParseTime(name, out var time) ? time : DateTimeOffset.MinValue, TimeSpan.Zero, "", "", "",
            new Dictionary<string, long>(), [], null, null);

    public static List<CatalogueEntry> ReadEntries(SqliteConnection connection)
    {
        using var command = BackupCatalogue.Command(connection,
            "SELECT name, size, sha256, manifest, verified_at, verified, verify_message FROM backup_archives ORDER BY name");
        using var reader = command.ExecuteReader();
        var entries = new List<CatalogueEntry>();
        while (reader.Read())
        {
            var manifest = System.Text.Json.JsonSerializer.Deserialize<BackupManifest>(Encoding.UTF8.GetBytes(reader.GetString(3)), BackupManifest.Json)!;
            entries.Add(new CatalogueEntry(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), manifest,
                reader.IsDBNull(4) ? null : DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture),
                reader.IsDBNull(5) ? null : reader.GetInt64(5) == 1,
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return entries;
    }
}
