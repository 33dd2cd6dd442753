using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Tests.Backups;

public sealed class BackupManifestTests
{
    private static readonly BackupManifest _manifest = new(
        BackupManifest.CurrentFormat, new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(2.5),
        "pg_dump (PostgreSQL) 15.18; o4o 1.0.0", "15.18", "o4o_platform",
        new Dictionary<string, long> { ["public.orders"] = 700_000, ["public.users"] = 200_000 },
        [new ManifestMember("db/o4o_db_20261126_030000.sql.gz", 90_687_156, new string('a', 64))],
        "o4o_backup_20261125_030000.tar.gz", new string('b', 64),
        [new DumpPartInfo("pre-data", 0, 1_062, new string('c', 64)), new DumpPartInfo("post-data", 1_062, 771, new string('d', 64))]);

    /// <summary>The options earlier versions wrote manifests with, through reflection.</summary>
    private static readonly JsonSerializerOptions _earlier = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    [Fact]
    public void A_manifest_is_written_byte_for_byte_as_the_reflection_serializer_of_earlier_versions_wrote_it() =>
        Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(_manifest, _earlier)), Encoding.UTF8.GetString(_manifest.ToJson()));

    [Fact]
    public void A_manifest_from_before_dumps_were_split_into_parts_is_read_without_them()
    {
        var json = """
            {
              "formatVersion": 1,
              "createdAt": "2026-11-20T03:00:00+00:00",
              "duration": "00:00:04.2000000",
              "toolVersion": "pg_dump (PostgreSQL) 15.18; o4o 1.0.0",
              "serverVersion": "15.18",
              "database": "o4o_platform",
              "rowCounts": { "public.users": 3 },
              "members": [ { "path": "db/o4o_db_20261120_030000.sql.gz", "size": 1234, "sha256": "ab" } ],
              "previousArchive": null,
              "previousArchiveSha256": null
            }
            """u8;

        var manifest = BackupManifest.Parse(json, "o4o_backup_20261120_030000.tar.gz");

        Assert.Null(manifest.DatabaseParts);
        Assert.Equal(("db/o4o_db_20261120_030000.sql.gz", 3L), (manifest.DatabaseMember.Path, manifest.RowCounts["public.users"]));
        Assert.Equal(TimeSpan.FromSeconds(4.2), manifest.Duration);
    }
}
