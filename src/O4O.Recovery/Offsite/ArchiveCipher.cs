using System.Security.Cryptography;

namespace O4O.Recovery.Offsite;

/// <summary>
/// Seals archives before they leave the machine: AES-256-GCM over fixed-size chunks, each with its own nonce and tag,
/// its number and whether it is the last bound in (see <see cref="SealedArchiveHeader"/>), so that a changed byte, a
/// cut, a reordered, dropped or added chunk, or the wrong key is a <see cref="SealedArchiveException"/>, never wrong
/// output. Both directions stream in constant memory (two chunks).
/// </summary>
public static class ArchiveCipher
{
    /// <summary>The plaintext bytes per chunk that archives are sealed with.</summary>
    public const int DefaultChunkSize = 1 << 20;

    /// <summary>Encrypts <paramref name="input"/> to the end into <paramref name="output"/> with <paramref name="key"/>.</summary>
    public static Task EncryptAsync(Stream input, Stream output, ArchiveKey key, CancellationToken cancellationToken) =>
        EncryptAsync(input, output, key, DefaultChunkSize, cancellationToken);

    internal static async Task EncryptAsync(Stream input, Stream output, ArchiveKey key, int chunkSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, SealedArchiveHeader.MinChunkSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSize, SealedArchiveHeader.MaxChunkSize);
        var header = SealedArchiveHeader.Create(key, chunkSize);
        await output.WriteAsync(header.Bytes, cancellationToken);
        using var aes = new AesGcm(key.Material, SealedArchiveHeader.TagLength);
        var associatedData = header.AssociatedData();
        var nonce = new byte[AesGcm.NonceByteSizes.MaxSize];
        var current = GC.AllocateUninitializedArray<byte>(chunkSize);
        var next = GC.AllocateUninitializedArray<byte>(chunkSize);
        var record = GC.AllocateUninitializedArray<byte>(chunkSize + SealedArchiveHeader.TagLength);
        var length = await ReadChunkAsync(input, current, cancellationToken);
        for (var index = 0L; ; index++)
        {
            // Only the chunk after tells whether this one is the last: an input of exactly N chunks ends on a full one.
            var nextLength = length == chunkSize ? await ReadChunkAsync(input, next, cancellationToken) : 0;
            var final = nextLength == 0;
            header.Nonce(index, nonce);
            SealedArchiveHeader.SetChunk(associatedData, index, final);
            aes.Encrypt(nonce, current.AsSpan(0, length), record.AsSpan(0, length), record.AsSpan(length, SealedArchiveHeader.TagLength), associatedData);
            await output.WriteAsync(record.AsMemory(0, length + SealedArchiveHeader.TagLength), cancellationToken);
            if (final)
            {
                return;
            }

            (current, next, length) = (next, current, nextLength);
        }
    }

    /// <summary>
    /// Decrypts the sealed archive <paramref name="input"/> into <paramref name="output"/>, with the key its header
    /// names from <paramref name="keys"/>. Each chunk is written only once it authenticated; on an exception the
    /// chunks before the failing one were written, so write to a temporary file and discard it then.
    /// </summary>
    /// <exception cref="SealedArchiveException">The archive fails verification or its key is missing or wrong.</exception>
    public static async Task DecryptAsync(Stream input, Stream output, ArchiveKeyRing keys, CancellationToken cancellationToken)
    {
        var header = await SealedArchiveHeader.ReadAsync(input, cancellationToken);
        using var aes = new AesGcm(KeyOf(header, keys).Material, SealedArchiveHeader.TagLength);
        var associatedData = header.AssociatedData();
        var nonce = new byte[AesGcm.NonceByteSizes.MaxSize];
        var recordSize = header.ChunkSize + SealedArchiveHeader.TagLength;
        var current = GC.AllocateUninitializedArray<byte>(recordSize);
        var next = GC.AllocateUninitializedArray<byte>(recordSize);
        var plain = GC.AllocateUninitializedArray<byte>(header.ChunkSize);
        var length = await ReadChunkAsync(input, current, cancellationToken);
        for (var index = 0L; ; index++)
        {
            var nextLength = length == recordSize ? await ReadChunkAsync(input, next, cancellationToken) : 0;
            var final = nextLength == 0;
            if (length < SealedArchiveHeader.TagLength)
            {
                throw new SealedArchiveException(SealedArchiveFailure.Truncated, $"the archive ends inside chunk {index}");
            }

            OpenChunk(aes, header, associatedData, nonce, index, final, current.AsSpan(0, length), plain);
            await output.WriteAsync(plain.AsMemory(0, length - SealedArchiveHeader.TagLength), cancellationToken);
            if (final)
            {
                return;
            }

            (current, next, length) = (next, current, nextLength);
        }
    }

    /// <summary>The key of <paramref name="keys"/> that <paramref name="header"/>'s archive was sealed with.</summary>
    /// <exception cref="SealedArchiveException">The ring does not hold it, or holds another key under its id.</exception>
    internal static ArchiveKey KeyOf(SealedArchiveHeader header, ArchiveKeyRing keys)
    {
        var key = keys.Find(header.KeyId)
            ?? throw new SealedArchiveException(SealedArchiveFailure.UnknownKey, $"sealed with key {header.KeyId}, which the key ring ({keys.Source}) does not hold");
        return header.WasSealedWith(key)
            ? key
            : throw new SealedArchiveException(SealedArchiveFailure.WrongKey, $"sealed with another key than the key ring's {header.KeyId} ({keys.Source})");
    }

    /// <summary>Decrypts chunk <paramref name="index"/>'s <paramref name="record"/> (its ciphertext and tag) into <paramref name="plain"/>.</summary>
    /// <exception cref="SealedArchiveException">It does not authenticate as that chunk, or as the last one when <paramref name="final"/> says so.</exception>
    internal static void OpenChunk(AesGcm aes, SealedArchiveHeader header, byte[] associatedData, byte[] nonce, long index, bool final, ReadOnlySpan<byte> record,
        Span<byte> plain)
    {
        if (!TryOpen(aes, header, associatedData, nonce, index, final, record, plain))
        {
            throw Diagnose(aes, header, associatedData, nonce, index, final, record, plain);
        }
    }

    private static bool TryOpen(AesGcm aes, SealedArchiveHeader header, byte[] associatedData, byte[] nonce, long index, bool final, ReadOnlySpan<byte> record, Span<byte> plain)
    {
        var plainLength = record.Length - SealedArchiveHeader.TagLength;
        header.Nonce(index, nonce);
        SealedArchiveHeader.SetChunk(associatedData, index, final);
        try
        {
            aes.Decrypt(nonce, record[..plainLength], record[plainLength..], plain[..plainLength], associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    // A chunk that authenticates only as what it was not read as tells a cut from an addition: a last chunk that was
    // sealed as a middle one means the chunks after it are missing, a middle one sealed as the last means something follows.
    private static SealedArchiveException Diagnose(AesGcm aes, SealedArchiveHeader header, byte[] associatedData, byte[] nonce, long index, bool final, ReadOnlySpan<byte> record, Span<byte> plain) =>
        !TryOpen(aes, header, associatedData, nonce, index, !final, record, plain)
            ? new SealedArchiveException(SealedArchiveFailure.Tampered, $"chunk {index} does not authenticate: the archive was changed, cut short or its chunks moved")
            : final
                ? new SealedArchiveException(SealedArchiveFailure.Truncated, $"the archive ends after chunk {index}: the chunks after it are missing")
                : new SealedArchiveException(SealedArchiveFailure.TrailingData, $"data follows the archive's last chunk, {index}");

    private static ValueTask<int> ReadChunkAsync(Stream input, byte[] buffer, CancellationToken cancellationToken) =>
        input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
}
