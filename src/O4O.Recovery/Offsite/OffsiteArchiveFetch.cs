using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Offsite;

/// <summary>
/// The sealed archives in the bucket as a new machine finds them: by their keys alone (names sort by time, so no catalogue
/// is needed, and a new machine has none), and one brought down, checked against the SHA-256 stored with it and opened
/// with the operator's key file. A key that is not an archive's name is passed over, so nothing the bucket holds names a
/// file outside the directory it is fetched into.
/// </summary>
internal static class OffsiteArchiveFetch
{
    /// <summary>The archives under the bucket's <see cref="OffsiteBucket.ArchivesFolder"/>, newest first.</summary>
    /// <exception cref="OffsiteException">The bucket does not exist or cannot be read.</exception>
    public static async Task<IReadOnlyList<string>> ListAsync(OffsiteBucket bucket, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket.Name, Prefix = bucket.ArchivesFolder };
        try
        {
            ListObjectsV2Response response;
            do
            {
                response = await bucket.Client.ListObjectsV2Async(request, cancellationToken);
                names.AddRange((response.S3Objects ?? []).Select(stored => stored.Key[bucket.ArchivesFolder.Length..])
                    .Where(name => name.EndsWith(OffsiteBucket.SealedSuffix, StringComparison.Ordinal))
                    .Select(name => name[..^OffsiteBucket.SealedSuffix.Length])
                    .Where(ArchiveName.IsArchive));
                request.ContinuationToken = response.NextContinuationToken;
            }
            while (response.IsTruncated == true);
        }
        catch (AmazonS3Exception missing) when (missing.ErrorCode == "NoSuchBucket")
        {
            throw new OffsiteException($"the bucket s3://{bucket.Name} does not exist at the configured endpoint.", missing);
        }
        catch (Exception unreachable) when (unreachable is AmazonClientException or HttpRequestException)
        {
            throw new OffsiteException($"the off-site bucket s3://{bucket.Name}/{bucket.ArchivesFolder} cannot be read: {unreachable.Message}", unreachable);
        }

        return [.. names.OrderDescending(StringComparer.Ordinal)];
    }

    /// <summary>Brings archive <paramref name="name"/> down into <paramref name="directory"/>, checks and decrypts it; returns its path.</summary>
    /// <exception cref="OffsiteException">The bucket cannot be read.</exception>
    /// <exception cref="BackupCorruptException">The copy is not what was uploaded.</exception>
    /// <exception cref="SealedArchiveException">It does not open with the key file's keys, or was changed.</exception>
    public static async Task<string> FetchAsync(OffsiteBucket bucket, string name, ArchiveKeyRing keys, string directory, IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        var sealedCopy = MemberPath.Inside(directory, name + OffsiteBucket.SealedSuffix);
        var archive = MemberPath.Inside(directory, name);
        var (recorded, damaged) = await OffsiteDownload.DownloadAsync(bucket, bucket.ArchiveKey(name), name, null, sealedCopy, progress, cancellationToken);
        if (damaged is not null)
        {
            throw new BackupCorruptException(name, $"the off-site copy is not what the server stored: {damaged}");
        }

        var sha256 = await HashingStream.FileSha256Async(sealedCopy, cancellationToken);
        if (sha256 != recorded)
        {
            throw new BackupCorruptException(name, $"the off-site copy's SHA-256 is {sha256}, not the {recorded ?? "(none)"} recorded at its upload");
        }

        await using (var input = File.OpenRead(sealedCopy))
        await using (var output = new FileStream(archive, IO.PrivateFiles.CreateNew(FileAccess.Write, 1 << 20)))
        {
            await ArchiveCipher.DecryptAsync(input, output, keys, cancellationToken);
            output.Flush(flushToDisk: true);
        }

        File.Delete(sealedCopy);
        return archive;
    }
}
