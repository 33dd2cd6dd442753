using System.Security.Cryptography;

namespace O4O.Recovery.Offsite;

/// <summary>
/// The MD5 of each part of an object, taken from its bytes as they pass in order (while it is sealed, or while a staged
/// copy's SHA-256 is checked), so that a part's Content-MD5 is that of what was sealed, not of what is read back later.
/// S3 identifies a part by its MD5 (its ETag): a transfer check the server makes and answers, not a security measure.
/// </summary>
internal sealed class PartDigests(long partSize) : IDisposable
{
    private readonly IncrementalHash _part = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly List<byte[]> _digests = [];
    private long _inPart;

    /// <summary>Takes the next bytes of the object.</summary>
    public void Add(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var taken = (int)Math.Min(bytes.Length, partSize - _inPart);
            _part.AppendData(bytes[..taken]);
            bytes = bytes[taken..];
            _inPart += taken;
            if (_inPart == partSize)
            {
                _digests.Add(_part.GetHashAndReset());
                _inPart = 0;
            }
        }
    }

    /// <summary>The digests of every part, part 1 first, once all the bytes were added (the last part may be shorter).</summary>
    public IReadOnlyList<byte[]> Completed()
    {
        if (_inPart > 0)
        {
            _digests.Add(_part.GetHashAndReset());
            _inPart = 0;
        }

        return _digests;
    }

    public void Dispose() => _part.Dispose();
}
