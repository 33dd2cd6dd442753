using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using O4O.Recovery.Backups;

namespace O4O.Tests.Shared;

/// <summary>
/// Archives an attacker could craft: a sound archive rewritten with one more member, listed in its manifest as an
/// attacker must to pass the checksum checks.
/// </summary>
public static class CraftedArchive
{
    public static readonly byte[] Payload = "owned\n"u8.ToArray();

    /// <summary>Rewrites <paramref name="archive"/> in place with a member <paramref name="name"/> of <paramref name="type"/>.</summary>
    public static async Task AddMemberAsync(string archive, string name, TarEntryType type = TarEntryType.RegularFile, string linkTarget = "/etc/passwd")
    {
        var manifest = await ArchiveReader.ReadManifestAsync(archive, CancellationToken.None);
        var data = type == TarEntryType.RegularFile ? Payload : [];
        var crafted = manifest with { Members = [.. manifest.Members, new ManifestMember(name, data.Length, Convert.ToHexStringLower(SHA256.HashData(data)))] };
        var rewritten = archive + ".crafted";
        await using (var output = File.Create(rewritten))
        await using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        await using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            await using var source = new TarReader(new GZipStream(File.OpenRead(archive), CompressionMode.Decompress));
            while (await source.GetNextEntryAsync(copyData: true) is { } entry)
            {
                if (entry.Name == ArchiveName.ManifestMember)
                {
                    entry.DataStream = new MemoryStream(crafted.ToJson());
                }

                await writer.WriteEntryAsync(entry);
            }

            await writer.WriteEntryAsync(Entry(name, type, data, linkTarget));
        }

        File.Move(rewritten, archive, overwrite: true);
    }

    private static PaxTarEntry Entry(string name, TarEntryType type, byte[] data, string linkTarget)
    {
        var entry = new PaxTarEntry(type, name) { Mode = (UnixFileMode)0b110_100_100 };
        if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
        {
            entry.LinkName = linkTarget;
        }

        if (type == TarEntryType.RegularFile)
        {
            entry.DataStream = new MemoryStream(data);
        }

        return entry;
    }
}
