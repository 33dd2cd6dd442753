using System.Security.Cryptography;
using System.Text;

namespace O4O.Recovery.Offsite;

/// <summary>A 256-bit key that seals archives before they leave the machine, named by its id in every archive's header.</summary>
public sealed class ArchiveKey
{
    /// <summary>The length of a key: AES-256.</summary>
    public const int Length = 32;

    /// <summary>The longest key id; ids are ASCII letters, digits and '-'.</summary>
    public const int MaxIdLength = 64;

    private static readonly byte[] _checkLabel = "o4o archive key check 1"u8.ToArray();
    private readonly byte[] _material;

    /// <summary>A key from its parts.</summary>
    /// <exception cref="ArgumentException">The id is not a valid key id or the material is not 32 bytes.</exception>
    public ArchiveKey(string id, ReadOnlySpan<byte> material, DateTimeOffset created)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException($"'{id}' is not a key id (1 to {MaxIdLength} ASCII letters, digits or '-').", nameof(id));
        }

        if (material.Length != Length)
        {
            throw new ArgumentException($"An archive key is {Length} bytes, not {material.Length}.", nameof(material));
        }

        Id = id;
        Created = created;
        _material = material.ToArray();
    }

    /// <summary>The key's name in archive headers and in the key file.</summary>
    public string Id { get; }

    /// <summary>When the key was made.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>The key's bytes.</summary>
    public ReadOnlySpan<byte> Material => _material;

    /// <summary>A new random key, its id the day it was made and random hex, so that ids from two machines do not meet.</summary>
    public static ArchiveKey Generate(DateTimeOffset now) =>
        new($"{now.UtcDateTime:yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}", RandomNumberGenerator.GetBytes(Length), now);

    /// <summary>True for 1 to 64 ASCII letters, digits and '-'.</summary>
    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= MaxIdLength && id.All(character => char.IsAsciiLetterOrDigit(character) || character == '-');

    /// <summary>
    /// 16 bytes that tell this key from another with the same id without revealing it (an HMAC of a fixed label):
    /// a wrong key is then named as such instead of as a damaged first chunk.
    /// </summary>
    internal byte[] Check() => HMACSHA256.HashData(_material, _checkLabel)[..16];

    internal byte[] IdBytes() => Encoding.ASCII.GetBytes(Id);
}
