using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace O4O.Recovery.Offsite;

/// <summary>
/// The header of a sealed archive: magic, format version, chunk size, a random nonce prefix, the key's check and its
/// id. Every chunk authenticates the whole header, so no field of it can be changed unnoticed.
/// </summary>
/// <remarks>
/// Layout: <c>"O4OCRYPT"</c>, version (1 byte), chunk size (4 bytes, big-endian), nonce prefix (8), key check (16),
/// key id length (1), key id (ASCII). Then the chunks: each is its ciphertext followed by a 16-byte GCM tag; all but
/// the last hold exactly chunk-size bytes, the last 0 to chunk-size.
/// </remarks>
internal sealed class SealedArchiveHeader
{
    public const byte Version = 1;
    public const int TagLength = 16;
    public const int MinChunkSize = 16;
    public const int MaxChunkSize = 16 << 20;
    private const int NoncePrefixLength = 8;
    private const int CheckLength = 16;
    private const int FixedLength = 8 + 1 + 4 + NoncePrefixLength + CheckLength + 1;

    /// <summary>The longest header: one with the longest key id.</summary>
    public const int MaxLength = FixedLength + ArchiveKey.MaxIdLength;
    private static readonly byte[] _magic = "O4OCRYPT"u8.ToArray();

    private SealedArchiveHeader(byte[] bytes, int chunkSize, string keyId)
    {
        Bytes = bytes;
        ChunkSize = chunkSize;
        KeyId = keyId;
    }

    /// <summary>The header as written; the associated data of every chunk starts with it.</summary>
    public byte[] Bytes { get; }

    public int ChunkSize { get; }

    public string KeyId { get; }

    private ReadOnlySpan<byte> NoncePrefix => Bytes.AsSpan(13, NoncePrefixLength);

    private ReadOnlySpan<byte> KeyCheck => Bytes.AsSpan(13 + NoncePrefixLength, CheckLength);

    public static SealedArchiveHeader Create(ArchiveKey key, int chunkSize)
    {
        var id = key.IdBytes();
        var bytes = new byte[FixedLength + id.Length];
        _magic.CopyTo(bytes, 0);
        bytes[8] = Version;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(9), chunkSize);
        RandomNumberGenerator.Fill(bytes.AsSpan(13, NoncePrefixLength));
        key.Check().CopyTo(bytes, 13 + NoncePrefixLength);
        bytes[FixedLength - 1] = (byte)id.Length;
        id.CopyTo(bytes, FixedLength);
        return new SealedArchiveHeader(bytes, chunkSize, key.Id);
    }

    /// <exception cref="SealedArchiveException">Not a sealed archive's header, or one of another version.</exception>
    public static async Task<SealedArchiveHeader> ReadAsync(Stream input, CancellationToken cancellationToken)
    {
        var fixedPart = new byte[FixedLength];
        var read = await input.ReadAtLeastAsync(fixedPart, FixedLength, throwOnEndOfStream: false, cancellationToken);
        if (read < _magic.Length || !fixedPart.AsSpan(0, _magic.Length).SequenceEqual(_magic))
        {
            throw new SealedArchiveException(SealedArchiveFailure.NotSealed, "not a sealed archive: it does not start with an O4O encryption header");
        }

        if (read < FixedLength)
        {
            throw new SealedArchiveException(SealedArchiveFailure.Truncated, "the archive ends inside its header");
        }

        if (fixedPart[8] != Version)
        {
            throw new SealedArchiveException(SealedArchiveFailure.UnsupportedVersion, $"sealed with format version {fixedPart[8]}; this o4o reads version {Version}");
        }

        var chunkSize = BinaryPrimitives.ReadInt32BigEndian(fixedPart.AsSpan(9));
        var idLength = fixedPart[FixedLength - 1];
        if (chunkSize is < MinChunkSize or > MaxChunkSize || idLength is 0 or > ArchiveKey.MaxIdLength)
        {
            throw new SealedArchiveException(SealedArchiveFailure.NotSealed, "the archive's encryption header is damaged");
        }

        var bytes = new byte[FixedLength + idLength];
        fixedPart.CopyTo(bytes, 0);
        if (await input.ReadAtLeastAsync(bytes.AsMemory(FixedLength), idLength, throwOnEndOfStream: false, cancellationToken) < idLength)
        {
            throw new SealedArchiveException(SealedArchiveFailure.Truncated, "the archive ends inside its header");
        }

        var keyId = Encoding.ASCII.GetString(bytes, FixedLength, idLength);
        return ArchiveKey.IsValidId(keyId)
            ? new SealedArchiveHeader(bytes, chunkSize, keyId)
            : throw new SealedArchiveException(SealedArchiveFailure.NotSealed, "the archive's encryption header is damaged");
    }

    public bool WasSealedWith(ArchiveKey key) => CryptographicOperations.FixedTimeEquals(KeyCheck, key.Check());

    /// <summary>Chunk <paramref name="index"/>'s nonce: the archive's random prefix and the chunk's number.</summary>
    public void Nonce(long index, Span<byte> nonce)
    {
        NoncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[NoncePrefixLength..], checked((uint)index));
    }

    /// <summary>A buffer for the chunks' associated data: the header, then what <see cref="SetChunk"/> writes.</summary>
    public byte[] AssociatedData() => [.. Bytes, .. new byte[9]];

    /// <summary>
    /// Makes <paramref name="associatedData"/> chunk <paramref name="index"/>'s: its number and whether it is the last, so
    /// that a chunk moved, dropped, cut off after or added after the last one fails to authenticate.
    /// </summary>
    public static void SetChunk(byte[] associatedData, long index, bool final)
    {
        BinaryPrimitives.WriteInt64BigEndian(associatedData.AsSpan(associatedData.Length - 9), index);
        associatedData[^1] = final ? (byte)1 : (byte)0;
    }
}
