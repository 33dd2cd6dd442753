using System.Net;
using Amazon.S3;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Offsite;

/// <summary>
/// S3 Object Lock on the bucket: when it is enabled, each copy is uploaded in compliance mode until
/// <see cref="OffsiteOptions.LockDays"/> from now, so that nobody with the credentials can delete or overwrite it before.
/// </summary>
internal static class ObjectLock
{
    /// <summary>The retain-until date for a copy uploaded now; null when the bucket has no Object Lock.</summary>
    public static async Task<DateTimeOffset?> RetainUntilAsync(OffsiteBucket bucket, OffsiteOptions options, TimeProvider time, CancellationToken cancellationToken) =>
        await IsEnabledAsync(bucket, cancellationToken) ? time.GetUtcNow().AddDays(options.LockDays) : null;

    /// <summary>True when the bucket has Object Lock enabled.</summary>
    public static async Task<bool> IsEnabledAsync(OffsiteBucket bucket, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = await bucket.Client.GetObjectLockConfigurationAsync(new() { BucketName = bucket.Name }, cancellationToken);
            return configuration.ObjectLockConfiguration?.ObjectLockEnabled == ObjectLockEnabled.Enabled;
        }
        catch (AmazonS3Exception none) when (none.ErrorCode is "ObjectLockConfigurationNotFoundError" or "NotImplemented"
            || none.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NotImplemented)
        {
            // No configuration, or a server without Object Lock at all (s3rver): the copies are not immutable.
            return false;
        }
    }
}
