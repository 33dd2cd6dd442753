using System.Text;

namespace O4O.Recovery.Restore;

/// <summary>A growable read buffer over a byte stream that hands out whole lines or raw bytes.</summary>
internal sealed class LineBuffer(Stream source)
{
    private byte[] _buffer = new byte[8 << 20];
    private int _start;
    private int _end;
    private bool _ended;

    /// <summary>Bytes consumed so far.</summary>
    public long Consumed { get; private set; }

    /// <summary>The bytes read but not yet consumed.</summary>
    public ReadOnlySpan<byte> Unconsumed => _buffer.AsSpan(_start, _end - _start);

    /// <summary>The bytes read but not yet consumed, valid until the next <see cref="FillAsync"/>.</summary>
    public ReadOnlyMemory<byte> UnconsumedMemory => _buffer.AsMemory(_start, _end - _start);

    /// <summary>Reads more; false once the source has ended and everything is consumed.</summary>
    public async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return _end > _start;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // A single line longer than the buffer (a huge function body): grow rather than split it.
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await source.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        if (read == 0)
        {
            _ended = true;
            if (_end > _start && _buffer[_end - 1] != (byte)'\n')
            {
                // The last line lacks its newline; give it one so it is read like the others.
                if (_end == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length + 1);
                }

                _buffer[_end++] = (byte)'\n';
            }
        }

        return _end > _start || !_ended;
    }

    /// <summary>Takes the next complete line (without its newline), if the buffer holds one.</summary>
    public bool TryReadLine(out string line)
    {
        var newline = Unconsumed.IndexOf((byte)'\n');
        if (newline < 0)
        {
            line = "";
            return false;
        }

        line = Encoding.UTF8.GetString(_buffer, _start, newline);
        Consume(newline + 1);
        return true;
    }

    /// <summary>Marks <paramref name="count"/> bytes consumed.</summary>
    public void Consume(int count)
    {
        _start += count;
        Consumed += count;
    }
}
