namespace O4O.Recovery.Backups;

/// <summary>
/// Temporary files for the parts of a parallel dump, joined in order into the dump member. Concatenated gzip
/// members are one valid <c>.gz</c>, so joining is a plain copy. The files are removed on dispose.
/// Unbuffered: the writes are large already, and a buffered stream whose final flush fails on a full disk
/// would keep its handle — and the deleted file's space — until the GC finalises it.
/// </summary>
internal sealed class DumpPartFiles(string directory, int count) : IAsyncDisposable
{
    private readonly string[] _paths = Enumerable.Range(0, count)
        .Select(index => Path.Combine(directory, $"{BackupCreator.TemporaryPrefix}{Guid.NewGuid():N}.part{index}")).ToArray();
    private readonly FileStream?[] _streams = new FileStream?[count];

    public Stream Open(int index) =>
        _streams[index] = new FileStream(_paths[index], FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);

    /// <summary>Copies every part into <paramref name="destination"/> in order, hashing what is written.</summary>
    public async Task<CompressedOutput> JoinAsync(Stream destination, CancellationToken cancellationToken)
    {
        using var hashing = new HashingStream(destination, leaveOpen: true);
        foreach (var part in _streams)
        {
            part!.Position = 0;
            await part.CopyToAsync(hashing, 1 << 20, cancellationToken);
        }

        return new CompressedOutput(0, hashing.BytesSeen, hashing.Sha256());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var stream in _streams.OfType<FileStream>())
        {
            await stream.DisposeAsync();
        }

        foreach (var path in _paths)
        {
            File.Delete(path);
        }
    }
}
