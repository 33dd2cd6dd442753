using O4O.Recovery.IO;

namespace O4O.Recovery.Backups;

/// <summary>
/// The tar stream as the tar reader reads it, noting where the last member's data ended and whether anything but
/// zeros came after: .NET's tar reader stops at the first end-of-archive block and never reads further, so damage
/// there, and in the gzip data around it, would otherwise pass unseen.
/// </summary>
internal sealed class TarEndCheck(Stream source) : ReadOnlyStream
{
    private long _position;
    private long _nonZeroEnd;
    private long _dataEnd;

    public override int Read(Span<byte> buffer)
    {
        var read = source.Read(buffer);
        Seen(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken);
        Seen(buffer.Span[..read]);
        return read;
    }

    /// <summary>Marks the end of a member's data, once it has been read: only padding may follow before the next header.</summary>
    public void MemberEnded() => _dataEnd = _position;

    /// <summary>Reads the rest of the stream: after the last member there must be zeros only, two blocks of them at least.</summary>
    /// <exception cref="BackupCorruptException">The end of the archive is damaged or missing.</exception>
    public async Task CheckEndAsync(string archive, CancellationToken cancellationToken)
    {
        try
        {
            await CopyToAsync(Stream.Null, 1 << 20, cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            // Every member's data matched the manifest by now: what fails lies around them (.NET's message names no cause).
            throw new BackupCorruptException(archive,
                "the gzip CRC-32 or length check fails around the members, whose data all matched: bytes in tar headers, padding, the end-of-archive blocks or a gzip trailer were altered");
        }

        if (_nonZeroEnd > _dataEnd)
        {
            throw new BackupCorruptException(archive,
                $"the tar stream holds a non-zero byte at {_nonZeroEnd - 1}, after the last member, where only padding and the end-of-archive blocks belong");
        }

        var endBlocks = _position - _dataEnd - UstarHeader.Padding(_dataEnd);
        if (endBlocks < 2 * UstarHeader.Length)
        {
            throw new BackupCorruptException(archive, $"the tar stream lacks its end-of-archive marker (two blocks of zeros; {Math.Max(endBlocks, 0)} bytes of it remain)");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            source.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Seen(ReadOnlySpan<byte> bytes)
    {
        var last = bytes.LastIndexOfAnyExcept((byte)0);
        if (last >= 0)
        {
            _nonZeroEnd = _position + last + 1;
        }

        _position += bytes.Length;
    }
}
