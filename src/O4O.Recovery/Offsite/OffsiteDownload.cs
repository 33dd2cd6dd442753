using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using O4O.Recovery.IO;

namespace O4O.Recovery.Offsite;

/// <summary>
/// Brings one sealed copy down from the bucket into a new owner-only file, with the SHA-256 its upload recorded: the one a
/// caller knows from <c>state.db</c>, else the one stored with the object (a machine that did not upload it, or lost its
/// <c>state.db</c>). The SDK checks the bytes against the server's MD5 ETag as it reads them.
/// </summary>
internal static class OffsiteDownload
{
    /// <summary>
    /// Downloads <paramref name="key"/>, the copy of archive <paramref name="name"/>, to <paramref name="destination"/>; returns the SHA-256 recorded for it, and why its bytes are
    /// damaged when the SDK's check of them against the server's ETag failed. <paramref name="progress"/> is told the bytes so far.
    /// </summary>
    /// <exception cref="OffsiteException">The bucket holds no such object or cannot be read.</exception>
    public static Task<(string? Recorded, string? Damaged)> DownloadAsync(OffsiteBucket bucket, string key, string name, string? knownSha256, string destination,
        IProgress<long>? progress, CancellationToken cancellationToken) => ReadingAsync<(string? Recorded, string? Damaged)>(bucket, key, name, async () =>
    {
        using var response = await bucket.Client.GetObjectAsync(bucket.Name, key, cancellationToken);
        var recorded = knownSha256 ?? response.Metadata[ArchiveUpload.Sha256Metadata];
        await using var output = new FileStream(destination, PrivateFiles.CreateNew(FileAccess.Write, 1 << 20));
        try
        {
            await CopyAsync(response.ResponseStream, output, progress, cancellationToken);
        }
        catch (AmazonClientException mismatch)
        {
            // The SDK hashes what it reads against the object's MD5 ETag and fails at the end when they differ.
            return (recorded, mismatch.Message);
        }

        output.Flush(flushToDisk: true);
        return (recorded, null);
    });

    /// <summary>The length of <paramref name="key"/>, the copy of archive <paramref name="name"/>.</summary>
    /// <exception cref="OffsiteException">The bucket holds no such object or cannot be read.</exception>
    public static Task<long> LengthAsync(OffsiteBucket bucket, string key, string name, CancellationToken cancellationToken) =>
        ReadingAsync(bucket, key, name, async () => (await bucket.Client.GetObjectMetadataAsync(bucket.Name, key, cancellationToken)).ContentLength);

    /// <summary>Bytes <paramref name="from"/> to <paramref name="to"/> (inclusive) of <paramref name="key"/>, the copy of archive <paramref name="name"/>.</summary>
    /// <exception cref="OffsiteException">The bucket holds no such object or cannot be read.</exception>
    public static Task<byte[]> ReadRangeAsync(OffsiteBucket bucket, string key, string name, long from, long to, CancellationToken cancellationToken) =>
        ReadingAsync(bucket, key, name, async () =>
        {
            var request = new GetObjectRequest { BucketName = bucket.Name, Key = key, ByteRange = new ByteRange(from, to) };
            using var response = await bucket.Client.GetObjectAsync(request, cancellationToken);
            var bytes = new byte[to - from + 1];
            var read = await response.ResponseStream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
            return read == bytes.Length ? bytes : bytes[..read];
        });

    // A missing object and a bucket that cannot be read, as one line naming the object.
    private static async Task<T> ReadingAsync<T>(OffsiteBucket bucket, string key, string name, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            throw new OffsiteException($"there is no off-site copy of {name} at {bucket.Address(key)}.", missing);
        }
        catch (TimeoutException unanswered)
        {
            throw new OffsiteException($"the off-site bucket {bucket.Address(key)} cannot be read: {bucket.Unanswered}.", unanswered);
        }
        catch (Exception unreachable) when (unreachable is AmazonClientException or HttpRequestException)
        {
            throw new OffsiteException($"the off-site bucket {bucket.Address(key)} cannot be read: {unreachable.Message}", unreachable);
        }
    }

    private static async Task CopyAsync(Stream input, Stream output, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        var total = 0L;
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
            progress?.Report(total);
        }
    }
}
