using System.Formats.Tar;

namespace O4O.Recovery.Backups;

/// <summary>A member to write: its path in the archive and the file holding its bytes.</summary>
/// <param name="Path">Path inside the archive.</param>
/// <param name="Source">The file on disk.</param>
/// <param name="Mode">Its permissions.</param>
/// <param name="Content">Bytes stored instead of the file's (a copy without its secrets); null to store the file.</param>
internal sealed record ArchiveSource(string Path, string Source, UnixFileMode Mode, byte[]? Content = null)
{
    /// <summary>The bytes to store, read from the start.</summary>
    public Stream Open() => Content is { } content
        ? new MemoryStream(content, writable: false)
        : new FileStream(Source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
}

/// <summary>
/// Writes the outer <c>.tar.gz</c> while the dump is made, so the dump is written once, straight into the archive.
/// The tar holds the manifest first (so readers find it at once), then the dump, then the platform's files.
/// Its members are compressed already, so the outer gzip stores rather than compresses, and it is written as three
/// gzip members, which gzip and tar read as one stream (RFC 1952 §2.2): the manifest and the dump's tar header, each
/// written last into room of a length fixed in advance, then everything else, front to back.
/// </summary>
internal sealed class ArchiveWriter : IAsyncDisposable
{
    private const UnixFileMode ManifestMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const UnixFileMode DumpMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _path;
    private readonly FileStream _file;
    private StoredGzipStream? _body;
    private HashingStream? _dump;
    private int _manifestRoom;

    private ArchiveWriter(string path)
    {
        _path = path;
        _file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            BufferSize = 0, // see DumpPartQueue: a failed final flush must not keep the handle open
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }

    /// <summary>Creates the archive file at <paramref name="path"/>, which must not exist.</summary>
    public static ArchiveWriter Create(string path) => new(path);

    /// <summary>The dump's size so far.</summary>
    public long DumpSize => _dump?.BytesSeen ?? 0;

    /// <summary>The SHA-256 of the dump written so far.</summary>
    public string DumpSha256 => _dump?.Sha256() ?? throw new InvalidOperationException("The dump has not begun.");

    /// <summary>
    /// Leaves room for a manifest of up to <paramref name="manifestLength"/> bytes and the dump's header, and returns
    /// the stream the dump's bytes go to.
    /// </summary>
    public Stream BeginDump(int manifestLength)
    {
        _manifestRoom = manifestLength;
        _file.Position = ManifestMemberLength + StoredGzipStream.MemberLength(UstarHeader.Length);
        _body = new StoredGzipStream(_file);
        return _dump = new HashingStream(_body, leaveOpen: true);
    }

    /// <summary>
    /// Ends the dump, adds <paramref name="files"/>, fills in the manifest and the dump's header, fsyncs the archive
    /// and returns the SHA-256 of the whole file and its size.
    /// </summary>
    public async Task<(string Sha256, long Size)> FinishAsync(byte[] manifest, string dumpPath, IReadOnlyList<ArchiveSource> files,
        DateTimeOffset time, CancellationToken cancellationToken)
    {
        var body = _body ?? throw new InvalidOperationException("The dump has not begun.");
        if (manifest.Length > _manifestRoom)
        {
            throw new InvalidOperationException($"The manifest ({manifest.Length} bytes) outgrew the room left for it ({_manifestRoom} bytes).");
        }

        body.Write(new byte[UstarHeader.Padding(DumpSize)]);
        if (files.Count > 0)
        {
            // Disposing the writer ends the tar with its two empty records.
            await using var tar = new TarWriter(body, TarEntryFormat.Pax, leaveOpen: true);
            foreach (var file in files)
            {
                await using var data = file.Open();
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, file.Path) { DataStream = data, Mode = file.Mode, ModificationTime = time }, cancellationToken);
            }
        }
        else
        {
            body.Write(new byte[2 * UstarHeader.Length]);
        }

        body.Finish();
        _file.Position = ManifestMemberLength;
        _file.Write(StoredGzipStream.Member(UstarHeader.For(dumpPath, DumpSize, DumpMode, time)));
        _file.Position = 0;
        _file.Write(StoredGzipStream.Member(ManifestRecord(manifest, time)));
        var size = _file.Length;

        // The hash reads back what the page cache holds while the disk catches up.
        var sync = Task.Run(() => _file.Flush(flushToDisk: true), CancellationToken.None);
        try
        {
            var sha256 = await HashingStream.FileSha256Async(_path, cancellationToken);
            await sync;
            return (sha256, size);
        }
        finally
        {
            // The file is closed only once the fsync is over, whatever happened to the hash.
            await sync.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The manifest's tar header and data, padded with spaces (JSON whitespace) to the room left for it.</summary>
    private byte[] ManifestRecord(byte[] manifest, DateTimeOffset time)
    {
        var record = new byte[UstarHeader.Length + _manifestRoom + UstarHeader.Padding(_manifestRoom)];
        UstarHeader.For(ArchiveName.ManifestMember, _manifestRoom, ManifestMode, time).CopyTo(record, 0);
        manifest.CopyTo(record, UstarHeader.Length);
        record.AsSpan(UstarHeader.Length + manifest.Length, _manifestRoom - manifest.Length).Fill((byte)' ');
        return record;
    }

    private long ManifestMemberLength =>
        StoredGzipStream.MemberLength(UstarHeader.Length + _manifestRoom + UstarHeader.Padding(_manifestRoom));

    public async ValueTask DisposeAsync()
    {
        if (_dump is not null)
        {
            await _dump.DisposeAsync();
        }

        if (_body is not null)
        {
            await _body.DisposeAsync();
        }

        await _file.DisposeAsync();
    }
}
