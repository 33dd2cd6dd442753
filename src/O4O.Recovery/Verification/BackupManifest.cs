using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace O4O.Recovery.Verification;

/// <summary>
/// The row counts recorded in a backup: <c>manifest.json</c> inside an <c>o4o_backup_*.tar.gz</c>. Read generically,
/// so that <c>"tables": {"users": 3}</c>, <c>"tables": {"users": {"rows": 3}}</c> and
/// <c>"tables": [{"name": "users", "rows": 3}]</c> all work.
/// </summary>
/// <param name="Path">The backup file.</param>
/// <param name="Tables">Row counts by table name (without a <c>public.</c> prefix).</param>
public sealed record BackupManifest(string Path, IReadOnlyDictionary<string, long> Tables)
{
    /// <summary>The newest backup in <paramref name="directory"/> with a readable manifest, or null when there is none.</summary>
    public static BackupManifest? Newest(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var backups = new DirectoryInfo(directory).GetFiles("o4o_backup_*.tar.gz")
            .OrderByDescending(file => file.LastWriteTimeUtc).ThenByDescending(file => file.Name, StringComparer.Ordinal);
        return backups.Select(file => Read(file.FullName)).FirstOrDefault(manifest => manifest is not null);
    }

    /// <summary>The manifest of <paramref name="backup"/>, or null when it has none or it cannot be read.</summary>
    public static BackupManifest? Read(string backup)
    {
        try
        {
            using var file = File.OpenRead(backup);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (System.IO.Path.GetFileName(entry.Name) == "manifest.json" && entry.DataStream is { } data)
                {
                    using var json = JsonDocument.Parse(data);
                    return new BackupManifest(backup, ReadTables(json.RootElement));
                }
            }
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or JsonException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }

    private static Dictionary<string, long> ReadTables(JsonElement root)
    {
        var tables = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        if (root.ValueKind != JsonValueKind.Object || Property(root, "tables") is not { } element)
        {
            return tables;
        }

        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var table in element.EnumerateObject())
            {
                if (Rows(table.Value) is { } rows)
                {
                    tables[Unqualified(table.Name)] = rows;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var table in element.EnumerateArray())
            {
                if (Property(table, "name") is { ValueKind: JsonValueKind.String } name && Rows(table) is { } rows)
                {
                    tables[Unqualified(name.GetString()!)] = rows;
                }
            }
        }

        return tables;
    }

    private static long? Rows(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetInt64(),
        JsonValueKind.Object => (Property(value, "rows") ?? Property(value, "rowCount") ?? Property(value, "count")) is { ValueKind: JsonValueKind.Number } rows
            ? rows.GetInt64() : null,
        _ => null,
    };

    private static JsonElement? Property(JsonElement value, string name) =>
        value.ValueKind != JsonValueKind.Object ? null : value.EnumerateObject().Where(property => property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(property => (JsonElement?)property.Value).FirstOrDefault();

    private static string Unqualified(string name) => name.StartsWith("public.", StringComparison.OrdinalIgnoreCase) ? name["public.".Length..] : name;
}
