using System.Formats.Tar;
using System.IO.Compression;

namespace O4O.Recovery.Backups;

/// <summary>A member to write: its path in the archive and the file holding its bytes.</summary>
/// <param name="Path">Path inside the archive.</param>
/// <param name="Source">The file on disk.</param>
/// <param name="Mode">Its permissions.</param>
public sealed record ArchiveSource(string Path, string Source, UnixFileMode Mode);

/// <summary>
/// Writes the outer <c>.tar.gz</c>: manifest first (so readers find it at once), then the members.
/// The members are already compressed, so the outer gzip stores rather than compresses: still a valid
/// <c>.tar.gz</c> for <c>tar -xzf</c>, at the speed of a copy.
/// </summary>
internal static class ArchiveWriter
{
    /// <summary>Writes the archive to <paramref name="path"/>, fsyncs it, and returns the SHA-256 of the file.</summary>
    public static async Task<(string Sha256, long Size)> WriteAsync(string path, byte[] manifest, IReadOnlyList<ArchiveSource> members,
        DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            BufferSize = 1 << 20,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var hashing = new HashingStream(file, leaveOpen: true);
        await using (var gzip = new GZipStream(hashing, CompressionLevel.NoCompression, leaveOpen: true))
        {
            await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
            using (var manifestData = new MemoryStream(manifest, writable: false))
            {
                await tar.WriteEntryAsync(Entry(ArchiveName.ManifestMember, manifestData, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, time), cancellationToken);
            }

            foreach (var member in members)
            {
                await using var data = new FileStream(member.Source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
                await tar.WriteEntryAsync(Entry(member.Path, data, member.Mode, time), cancellationToken);
            }
        }

        await file.FlushAsync(cancellationToken);
        file.Flush(flushToDisk: true);
        return (hashing.Sha256(), file.Length);
    }

    private static PaxTarEntry Entry(string name, Stream data, UnixFileMode mode, DateTimeOffset time) =>
        new(TarEntryType.RegularFile, name) { DataStream = data, Mode = mode, ModificationTime = time };
}
