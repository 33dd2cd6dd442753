namespace O4O.Recovery.IO;

/// <summary>
/// Reads exactly <paramref name="length"/> bytes of another stream (one part of a dump member, say): a stream that
/// ends sooner is cut short, which is an <see cref="EndOfStreamException"/> here rather than a quietly shorter read.
/// </summary>
internal sealed class SliceStream(Stream inner, long length) : ReadOnlyStream
{
    private readonly long _length = length;
    private long _remaining = length;

    public override long Length => _length;
    public override long Position { get => _length - _remaining; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer) =>
        buffer.IsEmpty || _remaining == 0 ? 0 : Counted(inner.Read(buffer[..Wanted(buffer.Length)]));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        buffer.IsEmpty || _remaining == 0 ? 0 : Counted(await inner.ReadAsync(buffer[..Wanted(buffer.Length)], cancellationToken));

    private int Wanted(int room) => (int)Math.Min(room, _remaining);

    /// <summary>Counts a read of at least one byte asked for: none at all means the inner stream ended too soon.</summary>
    private int Counted(int read)
    {
        if (read == 0)
        {
            throw new EndOfStreamException($"the data ends {_remaining} bytes short of the {_length} expected");
        }

        _remaining -= read;
        return read;
    }
}
