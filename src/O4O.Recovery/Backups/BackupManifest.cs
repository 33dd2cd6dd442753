using System.Text.Json;
using System.Text.Json.Serialization;

namespace O4O.Recovery.Backups;

/// <summary>
/// <c>manifest.json</c>, the first member of every archive: what was backed up, from where, and the checksums
/// that prove the archive whole. The catalogue in <c>state.db</c> is rebuilt from these alone.
/// </summary>
/// <param name="FormatVersion">The manifest format; readers refuse a newer one.</param>
/// <param name="CreatedAt">When the backup started (UTC).</param>
/// <param name="Duration">How long it took.</param>
/// <param name="ToolVersion">The <c>pg_dump --version</c> line and the o4o version.</param>
/// <param name="ServerVersion">The server's <c>server_version</c>.</param>
/// <param name="Database">The database that was dumped.</param>
/// <param name="RowCounts">Rows per table (<c>schema.table</c>), counted in the dump's own snapshot.</param>
/// <param name="Members">Every other member of the archive with its size and SHA-256.</param>
/// <param name="PreviousArchive">The archive this one follows in the hash chain; null for the first.</param>
/// <param name="PreviousArchiveSha256">The SHA-256 of <paramref name="PreviousArchive"/>'s whole file.</param>
/// <param name="DatabaseParts">Where each pg_dump part lies inside the dump member, so a restore can load them in parallel.</param>
public sealed record BackupManifest(
    int FormatVersion,
    DateTimeOffset CreatedAt,
    TimeSpan Duration,
    string ToolVersion,
    string ServerVersion,
    string Database,
    IReadOnlyDictionary<string, long> RowCounts,
    IReadOnlyList<ManifestMember> Members,
    string? PreviousArchive,
    string? PreviousArchiveSha256,
    IReadOnlyList<DumpPartInfo>? DatabaseParts = null)
{
    /// <summary>The format this version writes and reads.</summary>
    public const int CurrentFormat = 1;

    internal static JsonSerializerOptions Json => BackupManifestJson.Default.Options;

    /// <summary>The member holding the SQL dump.</summary>
    [JsonIgnore]
    public ManifestMember DatabaseMember => Members.First(member => member.Path.StartsWith("db/", StringComparison.Ordinal));

    /// <summary>The manifest as UTF-8 JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="BackupCorruptException">Not a manifest, or one from a newer format.</exception>
    public static BackupManifest Parse(ReadOnlySpan<byte> json, string archive)
    {
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(json, Json);
        }
        catch (JsonException exception)
        {
            throw new BackupCorruptException(archive, $"{ArchiveName.ManifestMember} is not valid JSON ({exception.Message})");
        }

        if (manifest is null || manifest.Members is null || manifest.RowCounts is null || !manifest.Members.Any(m => m.Path.StartsWith("db/", StringComparison.Ordinal)))
        {
            throw new BackupCorruptException(archive, $"{ArchiveName.ManifestMember} lacks members or row counts");
        }

        if (manifest.FormatVersion > CurrentFormat)
        {
            throw new BackupCorruptException(archive, $"manifest format {manifest.FormatVersion} is newer than this o4o understands");
        }

        // Refused here, a crafted name stops a restore before it creates or swaps anything.
        foreach (var member in manifest.Members)
        {
            if (MemberPath.Problem(member.Path) is { } problem)
            {
                throw ArchiveReader.Unsafe(archive, member.Path, problem);
            }
        }

        return manifest;
    }
}

/// <summary>One pg_dump part inside the dump member: a run of complete gzip members.</summary>
/// <param name="Section">pg_dump's section: <c>pre-data</c>, <c>data</c> or <c>post-data</c>.</param>
/// <param name="Offset">Its first byte within the dump member.</param>
/// <param name="Length">Its compressed length.</param>
/// <param name="Sha256">The SHA-256 of those bytes.</param>
/// <param name="UncompressedLength">pg_dump's bytes before compression (null in archives made before it was recorded): with
/// <paramref name="Length"/>, the compression ratio that collapses when the rows were encrypted.</param>
/// <param name="Table">The one table whose rows the part holds, as pg_dump's <c>--table</c> named it (null for a part of several
/// tables or none, and in archives made before it was recorded): a restore spreads such a part over several connections when it
/// holds most of the data, which it cannot do for a part of several tables without losing their early index builds.</param>
public sealed record DumpPartInfo(string Section, long Offset, long Length, string Sha256, long? UncompressedLength = null, string? Table = null);

/// <summary>One member of an archive.</summary>
/// <param name="Path">Its path inside the archive.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256, lowercase hex.</param>
/// <param name="Entropy">A platform file's Shannon entropy in bits per byte, sampled (<see cref="FileEntropy"/>); null for the
/// dump and in archives made before it was recorded. Ransomware's output is close to 8.</param>
public sealed record ManifestMember(string Path, long Size, string Sha256, double? Entropy = null);

/// <summary>
/// The manifest's JSON contract, generated at build time: a restore reads a manifest first thing, and reflection would
/// first have to emit and compile its (de)serializers.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BackupManifest))]
internal sealed partial class BackupManifestJson : JsonSerializerContext;

/// <summary>An archive fails a check; the message names the archive and the member or link at fault.</summary>
public sealed class BackupCorruptException(string archive, string reason)
    : Exception($"{Path.GetFileName(archive)}: {reason}")
{
    /// <summary>The archive's file name.</summary>
    public string Archive { get; } = Path.GetFileName(archive);
}
