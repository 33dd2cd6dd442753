using O4O.Recovery.IO;

namespace O4O.Recovery.Backups;

/// <summary>
/// The parts of a parallel dump on their way into the dump member, in order. Concatenated gzip members are one valid
/// <c>.gz</c>, so the member is the parts' bytes end to end. The first part not yet complete writes straight into the
/// member; the parts after it are spooled to temporary files and copied in when their turn comes. The largest table,
/// dumped right after the schema, is usually the last to finish, so most of the dump is written only once.
/// Spool files are unbuffered: a buffered stream whose final flush fails on a full disk would keep its handle — and
/// the deleted file's space — until the GC finalises it. They are removed on dispose.
/// </summary>
internal sealed class DumpPartQueue : IAsyncDisposable
{
    private readonly SpooledPart[] _parts;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private Stream? _member;
    private int _current;

    /// <param name="directory">Where spool files go (the backup directory, on the archive's disk).</param>
    /// <param name="count">How many parts.</param>
    public DumpPartQueue(string directory, int count) =>
        _parts = [.. Enumerable.Range(0, count).Select(index => new SpooledPart(Path.Combine(directory, $"{BackupCreator.TemporaryPrefix}{Guid.NewGuid():N}.part{index}")))];

    /// <summary>The stream part <paramref name="index"/> writes its compressed bytes to.</summary>
    public Stream Part(int index) => _parts[index];

    /// <summary>From now on parts go into <paramref name="member"/>, those spooled so far first.</summary>
    public Task BeginAsync(Stream member, CancellationToken cancellationToken) => AdvanceAsync(member, cancellationToken);

    /// <summary>Part <paramref name="index"/> has written all its bytes: the next one takes its turn.</summary>
    public Task CompleteAsync(int index, CancellationToken cancellationToken)
    {
        _parts[index].IsComplete = true;
        return AdvanceAsync(null, cancellationToken);
    }

    private async Task AdvanceAsync(Stream? member, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            _member ??= member;
            while (_member is not null && _current < _parts.Length)
            {
                var part = _parts[_current];
                await part.GoLiveAsync(_member, cancellationToken);
                if (!part.IsComplete)
                {
                    return;
                }

                _current++;
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var part in _parts)
        {
            await part.DisposeAsync();
        }

        _turn.Dispose();
    }

    /// <summary>One part: spooled until its turn, then written into the member.</summary>
    private sealed class SpooledPart(string spoolPath) : WriteOnlyStream
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private FileStream? _spool;
        private Stream? _live;

        public volatile bool IsComplete;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _gate.Wait();
            try
            {
                Target().Write(buffer);
            }
            finally
            {
                _gate.Release();
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await Target().WriteAsync(buffer, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }

        /// <summary>Copies what was spooled into <paramref name="member"/>; later writes go straight there.</summary>
        public async Task GoLiveAsync(Stream member, CancellationToken cancellationToken)
        {
            if (_live is not null)
            {
                return;
            }

            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (_spool is not null)
                {
                    _spool.Position = 0;
                    await _spool.CopyToAsync(member, 1 << 20, cancellationToken);
                    await _spool.DisposeAsync();
                    _spool = null;
                    File.Delete(spoolPath);
                }

                _live = member;
            }
            finally
            {
                _gate.Release();
            }
        }

        private Stream Target() =>
            _live ?? (_spool ??= new FileStream(spoolPath, PrivateFiles.CreateNew(FileAccess.ReadWrite, bufferSize: 0)));

        public override async ValueTask DisposeAsync()
        {
            if (_spool is not null)
            {
                await _spool.DisposeAsync();
            }

            File.Delete(spoolPath);
            _gate.Dispose();
            await base.DisposeAsync();
        }
    }
}
