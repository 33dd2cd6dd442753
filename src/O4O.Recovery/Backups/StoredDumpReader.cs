using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using O4O.Recovery.IO;

namespace O4O.Recovery.Backups;

/// <summary>
/// Reads an archive's dump member from any offset straight from the file, when the archive is laid out as
/// <see cref="ArchiveWriter"/> writes it: after the manifest's and the dump header's gzip members, the dump lies in
/// stored deflate blocks of 65,535 bytes, so where any of its bytes lies follows from its offset alone. A restore's
/// parts then start reading where they lie, instead of each inflating the archive up to its own offset.
/// Every block header on the way is checked. An archive laid out otherwise — recompressed by hand, say — is not opened
/// here and is read front to back instead; what is read is checked against the manifest's hashes either way.
/// </summary>
internal sealed class StoredDumpReader(SafeFileHandle file, string archive, string member, long blocksStart, long offset) : ReadOnlyStream
{
    private const int BlockSpan = StoredGzipStream.BlockHeader + StoredGzipStream.MaxBlock;

    private long _offset = offset;
    private long _blockRemaining;
    private bool _ended;

    /// <summary>
    /// Opens <paramref name="dump"/> at <paramref name="offset"/>; null when the archive is not laid out as o4o writes it
    /// (or cannot be opened: the front-to-back reader then says why).
    /// </summary>
    public static StoredDumpReader? TryOpen(string archive, ManifestMember dump, long offset)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(archive, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        Span<byte> dumpHeader = stackalloc byte[UstarHeader.Length];
        if (MemberEnd(file, 0, []) is { } manifestEnd
            && MemberEnd(file, manifestEnd, dumpHeader) is { } headerEnd
            && UstarHeader.Describes(dumpHeader, dump.Path, dump.Size)
            && StartsMember(file, headerEnd))
        {
            return new StoredDumpReader(file, archive, dump.Path, headerEnd + StoredGzipStream.MemberHeader.Length, offset);
        }

        file.Dispose();
        return null;
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || (_blockRemaining == 0 && !EnterBlock()))
        {
            return 0;
        }

        var block = _offset / StoredGzipStream.MaxBlock;
        var position = blocksStart + block * BlockSpan + StoredGzipStream.BlockHeader + _offset % StoredGzipStream.MaxBlock;
        var read = RandomAccess.Read(file, buffer[..(int)Math.Min(buffer.Length, _blockRemaining)], position);
        _offset += read;
        _blockRemaining -= read;
        return read;
    }

    /// <remarks>A local file read from the page cache: the read completes as it is made.</remarks>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Checks the header of the block holding <see cref="_offset"/>; false once the member's last block is read.</summary>
    private bool EnterBlock()
    {
        if (_ended)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[StoredGzipStream.BlockHeader];
        var block = _offset / StoredGzipStream.MaxBlock;
        if (RandomAccess.Read(file, header, blocksStart + block * BlockSpan) < header.Length)
        {
            return false; // truncated: the caller finds fewer bytes than the manifest says
        }

        var length = StoredBlockLength(header, out var final);
        if (length < 0 || (!final && length != StoredGzipStream.MaxBlock))
        {
            throw new BackupCorruptException(archive, $"member {member} is damaged (a block header at byte {_offset} of it is not o4o's)");
        }

        _ended = final;
        _blockRemaining = length - _offset % StoredGzipStream.MaxBlock;
        return _blockRemaining > 0;
    }

    /// <summary>
    /// Walks a stored member from <paramref name="start"/>, copying its first bytes into <paramref name="data"/>, and
    /// returns where it ends; null unless it is a member as <see cref="StoredGzipStream"/> writes it.
    /// </summary>
    private static long? MemberEnd(SafeFileHandle file, long start, Span<byte> data)
    {
        if (!StartsMember(file, start))
        {
            return null;
        }

        var position = start + StoredGzipStream.MemberHeader.Length;
        var copied = 0;
        Span<byte> header = stackalloc byte[StoredGzipStream.BlockHeader];
        bool final;
        do
        {
            if (RandomAccess.Read(file, header, position) < header.Length)
            {
                return null;
            }

            var length = StoredBlockLength(header, out final);
            if (length < 0)
            {
                return null;
            }

            position += header.Length;
            var wanted = Math.Min(length, data.Length - copied);
            if (wanted > 0 && RandomAccess.Read(file, data.Slice(copied, wanted), position) < wanted)
            {
                return null;
            }

            copied += wanted;
            position += length;
        }
        while (!final);

        return copied == data.Length ? position + StoredGzipStream.Trailer : null;
    }

    private static bool StartsMember(SafeFileHandle file, long position)
    {
        Span<byte> header = stackalloc byte[StoredGzipStream.MemberHeader.Length];
        return RandomAccess.Read(file, header, position) == header.Length && header.SequenceEqual(StoredGzipStream.MemberHeader);
    }

    /// <summary>A stored block's LEN, or -1 when the header is not a stored block's (RFC 1951 §3.2.4).</summary>
    private static int StoredBlockLength(ReadOnlySpan<byte> header, out bool final)
    {
        final = (header[0] & 1) != 0;
        var length = BinaryPrimitives.ReadUInt16LittleEndian(header[1..]);
        var complement = BinaryPrimitives.ReadUInt16LittleEndian(header[3..]);
        return (header[0] & 0b110) == 0 && length == (ushort)~complement ? length : -1;
    }
}
