using System.Security.Cryptography;

namespace O4O.Recovery.Offsite;

/// <summary>
/// A sealed archive read by ranges instead of front to back: from its header and its length, where each chunk lies and which
/// is the last, and any chunk opened on its own. Every chunk authenticates its number, whether it is the last and the whole
/// header (<see cref="SealedArchiveHeader"/>), so chunks read out of order are as safe as a whole read: a changed, moved or
/// cut-off chunk, or one of an object cut short, is a <see cref="SealedArchiveException"/>.
/// </summary>
internal sealed class SealedChunks : IDisposable
{
    private readonly SealedArchiveHeader _header;
    private readonly AesGcm _aes;
    private readonly byte[] _associatedData;
    private readonly byte[] _nonce = new byte[AesGcm.NonceByteSizes.MaxSize];
    private readonly long _sealedLength;

    private SealedChunks(SealedArchiveHeader header, ArchiveKey key, long sealedLength)
    {
        _header = header;
        _aes = new AesGcm(key.Material, SealedArchiveHeader.TagLength);
        _associatedData = header.AssociatedData();
        _sealedLength = sealedLength;
        var body = sealedLength - header.Bytes.Length;
        Count = Math.Max(1, (body + RecordSize - 1) / RecordSize);
        PlainLength = body - (Count * SealedArchiveHeader.TagLength);
    }

    /// <summary>How many of an object's first bytes hold its header, whatever its key's id.</summary>
    public const int MaxHeaderLength = SealedArchiveHeader.MaxLength;

    /// <summary>How many chunks the archive has.</summary>
    public long Count { get; }

    /// <summary>The length of what was sealed.</summary>
    public long PlainLength { get; }

    /// <summary>How many plaintext bytes each chunk but the last holds.</summary>
    public int ChunkSize => _header.ChunkSize;

    private int RecordSize => _header.ChunkSize + SealedArchiveHeader.TagLength;

    /// <summary>The archive whose object is <paramref name="sealedLength"/> bytes long and starts with <paramref name="start"/>.</summary>
    /// <exception cref="SealedArchiveException">Not a sealed archive, too short to be one, or sealed with a key <paramref name="keys"/> does not hold.</exception>
    public static async Task<SealedChunks> OpenAsync(byte[] start, long sealedLength, ArchiveKeyRing keys, CancellationToken cancellationToken)
    {
        var header = await SealedArchiveHeader.ReadAsync(new MemoryStream(start, writable: false), cancellationToken);
        var key = ArchiveCipher.KeyOf(header, keys);
        return sealedLength - header.Bytes.Length < SealedArchiveHeader.TagLength
            ? throw new SealedArchiveException(SealedArchiveFailure.Truncated, "the archive ends inside chunk 0")
            : new SealedChunks(header, key, sealedLength);
    }

    /// <summary>Where chunks <paramref name="first"/> to <paramref name="last"/> lie in the object: the offset of the first byte and of the last.</summary>
    public (long From, long To) Range(long first, long last) =>
        (_header.Bytes.Length + (first * RecordSize), Math.Min(_sealedLength, _header.Bytes.Length + ((last + 1) * RecordSize)) - 1);

    /// <summary>The chunk that holds plaintext byte <paramref name="offset"/>.</summary>
    public long ChunkOf(long offset) => Math.Min(Count - 1, offset / ChunkSize);

    /// <summary>Decrypts chunk <paramref name="index"/> from its <paramref name="record"/> into <paramref name="plain"/>; returns its length.</summary>
    /// <exception cref="SealedArchiveException">The record does not authenticate as that chunk.</exception>
    public int Open(long index, ReadOnlySpan<byte> record, Span<byte> plain)
    {
        var final = index == Count - 1;
        if (record.Length < SealedArchiveHeader.TagLength || (!final && record.Length != RecordSize))
        {
            throw new SealedArchiveException(SealedArchiveFailure.Truncated, $"the archive ends inside chunk {index}");
        }

        ArchiveCipher.OpenChunk(_aes, _header, _associatedData, _nonce, index, final, record, plain);
        return record.Length - SealedArchiveHeader.TagLength;
    }

    /// <inheritdoc />
    public void Dispose() => _aes.Dispose();
}
