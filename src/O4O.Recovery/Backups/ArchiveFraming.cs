using System.Buffers.Binary;
using System.IO.Hashing;

namespace O4O.Recovery.Backups;

/// <summary>
/// Checks the gzip layer as <c>gzip -t</c> and the runbook's <c>tar -xzf</c> do, which the member checksums cannot:
/// a tar reader stops at the end-of-archive block, so the bytes after it and the last member's trailer are never read,
/// and .NET's gzip reader accepts a trailer that is cut off. Every member of an archive laid out as o4o writes it
/// (stored deflate blocks, see <see cref="StoredGzipStream"/>) is walked here to its trailer: its CRC-32 and length
/// must match what it holds, and nothing may follow the last one.
/// </summary>
internal static class ArchiveFraming
{
    /// <summary>
    /// Walks every gzip member of <paramref name="archive"/>; false when it is not laid out as o4o writes archives
    /// (recompressed by hand), which leaves its gzip checks to decompression.
    /// </summary>
    /// <exception cref="BackupCorruptException">A member is cut off, altered, or followed by foreign bytes (named with its offset).</exception>
    public static bool CheckStoredMembers(string archive)
    {
        using var file = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var block = new byte[StoredGzipStream.MaxBlock];
        Span<byte> header = stackalloc byte[StoredGzipStream.MemberHeader.Length];
        Span<byte> blockHeader = stackalloc byte[StoredGzipStream.BlockHeader];
        Span<byte> trailer = stackalloc byte[StoredGzipStream.Trailer];
        var crc = new Crc32();
        for (var member = 1; file.Position < file.Length; member++)
        {
            var start = file.Position;
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.SequenceEqual(StoredGzipStream.MemberHeader))
            {
                return member == 1
                    ? false
                    : throw Damaged(archive, $"the {file.Length - start} bytes after its last gzip member (at byte {start}) are not part of the archive");
            }

            crc.Reset();
            long length = 0;
            bool final;
            do
            {
                var at = file.Position;
                if (file.ReadAtLeast(blockHeader, blockHeader.Length, throwOnEndOfStream: false) < blockHeader.Length)
                {
                    throw Damaged(archive, $"gzip member {member} (at byte {start}) is cut off (archive truncated)");
                }

                var stored = StoredGzipStream.StoredBlockLength(blockHeader, out final);
                if (stored < 0)
                {
                    return member == 1 && length == 0 ? false : throw Damaged(archive, $"gzip member {member} has a damaged block header at byte {at}");
                }

                if (file.ReadAtLeast(block.AsSpan(0, stored), stored, throwOnEndOfStream: false) < stored)
                {
                    throw Damaged(archive, $"gzip member {member} (at byte {start}) is cut off (archive truncated)");
                }

                crc.Append(block.AsSpan(0, stored));
                length += stored;
            }
            while (!final);

            var read = file.ReadAtLeast(trailer, trailer.Length, throwOnEndOfStream: false);
            if (read < trailer.Length)
            {
                throw Damaged(archive, $"the trailer (CRC-32 and length) of gzip member {member} is cut off: {read} of its 8 bytes remain");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(trailer) != crc.GetCurrentHashAsUInt32())
            {
                throw Damaged(archive, $"gzip member {member} (bytes {start} to {file.Position}) fails its CRC-32: bytes in it were altered");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) != unchecked((uint)length))
            {
                throw Damaged(archive, $"gzip member {member} (bytes {start} to {file.Position}) does not hold the length its trailer records");
            }
        }

        return true;
    }

    private static BackupCorruptException Damaged(string archive, string how) => new(archive, how);
}
