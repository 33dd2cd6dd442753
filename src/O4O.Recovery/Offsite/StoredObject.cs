using System.Net;
using Amazon.S3;

namespace O4O.Recovery.Offsite;

/// <summary>An object in the bucket as its metadata describes it: size, recorded SHA-256, Object Lock retention.</summary>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">The SHA-256 the upload recorded in its metadata; null when it has none.</param>
/// <param name="LockUntil">Its Object Lock retain-until date, when it has one.</param>
internal sealed record StoredObject(long Size, string? Sha256, DateTimeOffset? LockUntil)
{
    /// <summary>The object at <paramref name="key"/>; null when there is none.</summary>
    public static async Task<StoredObject?> ReadAsync(OffsiteBucket bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await bucket.Client.GetObjectMetadataAsync(bucket.Name, key, cancellationToken);
            return new StoredObject(head.ContentLength, head.Metadata[ArchiveUpload.Sha256Metadata],
                head.ObjectLockRetainUntilDate is { } until ? new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)) : null);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
