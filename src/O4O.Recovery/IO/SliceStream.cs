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
        Counted(buffer.IsEmpty || _remaining == 0 ? 0 : inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]), buffer.IsEmpty);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(buffer.IsEmpty || _remaining == 0 ? 0 : await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken), buffer.IsEmpty);

    private int Counted(int read, bool askedForNothing)
    {
        if (read == 0 && _remaining > 0 && !askedForNothing)
        {
            throw new EndOfStreamException($"the data ends {_remaining} bytes short of the {_length} expected");
        }

        _remaining -= read;
        return read;
    }
}
