using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using O4O.Recovery.Configuration;

namespace O4O.Recovery.Offsite;

/// <summary>What the bucket says about S3 Object Lock.</summary>
public enum ObjectLockState
{
    /// <summary>Object Lock is on: a copy uploaded with a retention date cannot be deleted or overwritten before it.</summary>
    Enabled,

    /// <summary>The bucket has no Object Lock configuration (S3 turns it on only when a bucket is created).</summary>
    NotConfigured,

    /// <summary>The server does not implement Object Lock at all (s3rver, some S3-compatible stores).</summary>
    NotSupported,
}

/// <summary>
/// S3 Object Lock on the bucket: when it is enabled, each copy is uploaded in compliance mode until
/// <see cref="OffsiteOptions.LockDays"/> from now, so that nobody with the credentials can delete or overwrite it before.
/// </summary>
public static class ObjectLock
{
    /// <summary>Asks the bucket for its Object Lock configuration.</summary>
    /// <exception cref="OffsiteException">The bucket cannot be reached, or refused the question for another reason (its credentials, say).</exception>
    public static async Task<ObjectLockState> ReadAsync(OffsiteBucket bucket, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = await bucket.Client.GetObjectLockConfigurationAsync(new() { BucketName = bucket.Name }, cancellationToken);
            return configuration.ObjectLockConfiguration?.ObjectLockEnabled == ObjectLockEnabled.Enabled ? ObjectLockState.Enabled : ObjectLockState.NotConfigured;
        }
        catch (AmazonS3Exception none) when (none.ErrorCode == "ObjectLockConfigurationNotFoundError" || none.StatusCode == HttpStatusCode.NotFound)
        {
            return ObjectLockState.NotConfigured;
        }
        catch (AmazonS3Exception unsupported) when (unsupported.ErrorCode == "NotImplemented" || unsupported.StatusCode == HttpStatusCode.NotImplemented)
        {
            return ObjectLockState.NotSupported;
        }
        catch (Exception unreadable) when (unreadable is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new OffsiteException($"the Object Lock configuration of s3://{bucket.Name} cannot be read: {unreadable.Message}", unreadable);
        }
    }

    /// <summary>
    /// The Object Lock state of <paramref name="options"/>' bucket, or why it is not known, within <paramref name="timeout"/>:
    /// for <c>o4o status</c> and the dashboard, which must answer when the bucket does not.
    /// </summary>
    public static async Task<(ObjectLockState? State, string? Unknown)> TryReadAsync(O4OHome home, OffsiteOptions options, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var bucket = OffsiteBucket.Open(home, options);
            return (await ReadAsync(bucket, deadline.Token), null);
        }
        catch (OffsiteException unreadable)
        {
            return (null, unreadable.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"s3://{options.Bucket} did not answer within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// Puts compliance-mode retention until <see cref="OffsiteOptions.LockDays"/> from now on <paramref name="request"/> when
    /// the bucket's Object Lock is <see cref="ObjectLockState.Enabled"/>; returns that date, or null when nothing was put.
    /// </summary>
    internal static DateTimeOffset? Retain(InitiateMultipartUploadRequest request, ObjectLockState state, OffsiteOptions options, TimeProvider time)
    {
        if (state != ObjectLockState.Enabled)
        {
            return null;
        }

        var until = time.GetUtcNow().AddDays(options.LockDays);
        request.ObjectLockMode = ObjectLockMode.Compliance;
        request.ObjectLockRetainUntilDate = until.UtcDateTime;
        return until;
    }
}
