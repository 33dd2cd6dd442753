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
internal sealed class StoredDumpReader(SafeFileHandle file, string archive, ManifestMember dump, long blocksStart, long offset, long end) : ReadOnlyStream
{
    private const int BlockSpan = StoredGzipStream.BlockHeader + StoredGzipStream.MaxBlock;

    private long _offset = offset;
    private long _blockRemaining;
    private bool _finalBlock;

    /// <summary>
    /// Opens <paramref name="dump"/> at <paramref name="offset"/>; null when the archive is not laid out as o4o writes it,
    /// is too short to hold the whole dump, or cannot be read: the front-to-back reader then says why.
    /// </summary>
    public static StoredDumpReader? TryOpen(string archive, ManifestMember dump, long offset) => TryOpen(archive, dump, offset, dump.Size);

    /// <summary>
    /// Opens the tar stream that follows <paramref name="dump"/> (the platform files' headers and data, then the end of
    /// the archive) up to its gzip member's last block; null as for <see cref="TryOpen(string, ManifestMember, long)"/>.
    /// </summary>
    public static StoredDumpReader? TryOpenAfter(string archive, ManifestMember dump) =>
        TryOpen(archive, dump, dump.Size + UstarHeader.Padding(dump.Size), long.MaxValue);

    /// <summary>
    /// How many of the first bytes of an archive laid out as o4o writes it come before the dump's data (the manifest's and the
    /// dump header's members, the header of the member the dump is in and of its first block), from <paramref name="start"/>,
    /// its first bytes, which must hold the manifest's tar header; null when they are not such an archive's.
    /// </summary>
    public static long? HeadLength(ReadOnlySpan<byte> start)
    {
        var manifestHeader = StoredGzipStream.MemberHeader.Length + StoredGzipStream.BlockHeader;
        if (start.Length < manifestHeader + UstarHeader.Length || !start.StartsWith(StoredGzipStream.MemberHeader)
            || UstarHeader.SizeOf(start.Slice(manifestHeader, UstarHeader.Length)) is not (>= 0 and var manifest))
        {
            return null;
        }

        return StoredGzipStream.MemberLength(UstarHeader.Length + manifest + UstarHeader.Padding(manifest)) + StoredGzipStream.MemberLength(UstarHeader.Length)
            + manifestHeader;
    }

    /// <summary>
    /// Where in the file the stored block lies that holds the first byte after <paramref name="dump"/>: the platform files are
    /// read from there on (<see cref="TryOpenAfter"/>); null as for <see cref="TryOpen(string, ManifestMember, long)"/>.
    /// </summary>
    public static long? TailStart(string archive, ManifestMember dump)
    {
        using var tail = TryOpenAfter(archive, dump);
        return tail?.BlockPosition;
    }

    private static StoredDumpReader? TryOpen(string archive, ManifestMember dump, long offset, long end)
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

        try
        {
            Span<byte> dumpHeader = stackalloc byte[UstarHeader.Length];
            if (MemberEnd(file, 0, []) is { } manifestEnd
                && MemberEnd(file, manifestEnd, dumpHeader) is { } headerEnd
                && UstarHeader.Describes(dumpHeader, dump.Path, dump.Size)
                && StartsMember(file, headerEnd))
            {
                var blocksStart = headerEnd + StoredGzipStream.MemberHeader.Length;
                if (dump.Size == 0 || RandomAccess.GetLength(file) > FilePosition(blocksStart, dump.Size - 1))
                {
                    return new StoredDumpReader(file, archive, dump, blocksStart, offset, end);
                }
            }
        }
        catch (IOException)
        {
        }

        file.Dispose();
        return null;
    }

    /// <summary>Reads up to the last byte asked for, never past it nor past the member's final block.</summary>
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _offset >= end || (_blockRemaining == 0 && _finalBlock))
        {
            return 0;
        }

        if (_blockRemaining == 0)
        {
            EnterBlock();
        }

        var wanted = (int)Math.Min(buffer.Length, Math.Min(_blockRemaining, end - _offset));
        var read = RandomAccess.Read(file, buffer[..wanted], FilePosition(blocksStart, _offset));
        if (read == 0)
        {
            throw Damaged("the archive ends inside it");
        }

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

    /// <summary>Where the header of the block holding the next byte to read lies in the file.</summary>
    private long BlockPosition => blocksStart + (_offset / StoredGzipStream.MaxBlock * BlockSpan);

    /// <summary>Where the dump's byte <paramref name="index"/> lies in the file.</summary>
    private static long FilePosition(long blocksStart, long index) =>
        blocksStart + index / StoredGzipStream.MaxBlock * BlockSpan + StoredGzipStream.BlockHeader + index % StoredGzipStream.MaxBlock;

    /// <summary>Checks the header of the block holding <see cref="_offset"/>, which must hold it.</summary>
    private void EnterBlock()
    {
        Span<byte> header = stackalloc byte[StoredGzipStream.BlockHeader];
        var block = _offset / StoredGzipStream.MaxBlock;
        if (RandomAccess.Read(file, header, blocksStart + block * BlockSpan) < header.Length)
        {
            throw Damaged("the archive ends inside it");
        }

        var length = StoredGzipStream.StoredBlockLength(header, out var final);
        var inBlock = _offset % StoredGzipStream.MaxBlock;
        if (length < 0 || (!final && length != StoredGzipStream.MaxBlock) || inBlock >= length)
        {
            throw Damaged($"its block {block} is not a stored block as o4o writes them");
        }

        _blockRemaining = length - inBlock;
        _finalBlock = final;
    }

    private BackupCorruptException Damaged(string how) => new(archive, $"member {dump.Path} is damaged or truncated ({how})");

    /// <summary>
    /// Walks a stored member from <paramref name="start"/>, copying its data into <paramref name="data"/>, which it must
    /// fill exactly, and returns where it ends; null unless it is a member as <see cref="StoredGzipStream"/> writes it.
    /// </summary>
    private static long? MemberEnd(SafeFileHandle file, long start, Span<byte> data)
    {
        if (!StartsMember(file, start))
        {
            return null;
        }

        var position = start + StoredGzipStream.MemberHeader.Length;
        var copied = 0;
        var total = 0L;
        Span<byte> header = stackalloc byte[StoredGzipStream.BlockHeader];
        bool final;
        do
        {
            if (RandomAccess.Read(file, header, position) < header.Length)
            {
                return null;
            }

            var length = StoredGzipStream.StoredBlockLength(header, out final);
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
            total += length;
            position += length;
        }
        while (!final);

        return data.IsEmpty || total == data.Length ? position + StoredGzipStream.Trailer : null;
    }

    private static bool StartsMember(SafeFileHandle file, long position)
    {
        Span<byte> header = stackalloc byte[StoredGzipStream.MemberHeader.Length];
        return RandomAccess.Read(file, header, position) == header.Length && header.SequenceEqual(StoredGzipStream.MemberHeader);
    }
}
