using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using O4O.Recovery.IO;

namespace O4O.Recovery.Backups;

/// <summary>
/// Writes one gzip member whose deflate blocks are stored rather than compressed (RFC 1951 §3.2.4): what goes into the
/// archive is compressed already, so storing it costs a copy and a CRC. The member is complete once
/// <see cref="Finish"/> has run. Its length follows from the number of bytes written alone (<see cref="MemberLength"/>),
/// which lets the archive leave room for a member it writes last.
/// </summary>
internal sealed class StoredGzipStream(Stream destination) : WriteOnlyStream
{
    /// <summary>A stored block's header: BFINAL and BTYPE, then LEN and its complement NLEN.</summary>
    internal const int BlockHeader = 5;

    /// <summary>How many bytes every block but the last holds.</summary>
    internal const int MaxBlock = ushort.MaxValue;

    /// <summary>The member's CRC-32 and length, after its last block.</summary>
    internal const int Trailer = 8;

    /// <summary>The header every member begins with: no name, no time, unknown system.</summary>
    internal static ReadOnlySpan<byte> MemberHeader => [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

    private readonly byte[] _block = ArrayPool<byte>.Shared.Rent(BlockHeader + MaxBlock);
    private readonly Crc32 _crc = new();
    private int _pending;
    private long _written;
    private bool _started;
    private bool _disposed;

    /// <summary>The length of a member holding <paramref name="dataLength"/> bytes, as this class writes it.</summary>
    public static long MemberLength(long dataLength) => MemberHeader.Length + dataLength + BlockHeader * (dataLength / MaxBlock + 1) + Trailer;

    /// <summary>A complete member holding <paramref name="data"/>.</summary>
    public static byte[] Member(ReadOnlySpan<byte> data)
    {
        using var member = new MemoryStream(checked((int)MemberLength(data.Length)));
        using (var gzip = new StoredGzipStream(member))
        {
            gzip.Write(data);
            gzip.Finish();
        }

        return member.ToArray();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Start();
        _crc.Append(buffer);
        _written += buffer.Length;
        while (!buffer.IsEmpty)
        {
            var taken = Math.Min(buffer.Length, MaxBlock - _pending);
            buffer[..taken].CopyTo(_block.AsSpan(BlockHeader + _pending));
            _pending += taken;
            buffer = buffer[taken..];
            if (_pending == MaxBlock)
            {
                WriteBlock(final: false);
            }
        }
    }

    /// <remarks>The archive is a local file written with unbuffered writes: they complete as they are made.</remarks>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes the last block and the trailer (CRC-32 and length of everything written).</summary>
    public void Finish()
    {
        Start();
        WriteBlock(final: true);
        Span<byte> trailer = stackalloc byte[Trailer];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)_written));
        destination.Write(trailer);
    }

    /// <summary>A stored block's LEN, or -1 when the header is not a stored block's (RFC 1951 §3.2.4).</summary>
    internal static int StoredBlockLength(ReadOnlySpan<byte> header, out bool final)
    {
        final = (header[0] & 1) != 0;
        var length = BinaryPrimitives.ReadUInt16LittleEndian(header[1..]);
        var complement = BinaryPrimitives.ReadUInt16LittleEndian(header[3..]);
        return (header[0] & 0b110) == 0 && length == (ushort)~complement ? length : -1;
    }

    private void Start()
    {
        if (!_started)
        {
            destination.Write(MemberHeader);
            _started = true;
        }
    }

    private void WriteBlock(bool final)
    {
        _block[0] = final ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(_block.AsSpan(1), (ushort)_pending);
        BinaryPrimitives.WriteUInt16LittleEndian(_block.AsSpan(3), (ushort)~_pending);
        destination.Write(_block, 0, BlockHeader + _pending);
        _pending = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            ArrayPool<byte>.Shared.Return(_block);
            _disposed = true;
        }

        base.Dispose(disposing);
    }
}
