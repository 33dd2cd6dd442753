using Amazon.S3;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.State;

namespace O4O.Recovery.Offsite;

/// <summary>
/// Retention applied off-site as locally: the copy of an archive that <c>o4o backup prune</c> removed (its ledger names it)
/// is deleted from the bucket, and an unfinished upload of it abandoned. A copy under Object Lock is kept until its
/// retain-until date: S3 would refuse the deletion, and the lock exists so that it cannot be deleted before.
/// </summary>
internal static class OffsiteRetention
{
    /// <summary>Deletes the copies of pruned archives; returns their names.</summary>
    public static async Task<IReadOnlyList<string>> DeletePrunedAsync(O4OHome home, OffsiteBucket bucket, string directory, OffsiteCopies copies, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        foreach (var copy in copies.All().Where(copy => !File.Exists(Path.Combine(directory, copy.Name)) && BackupChain.WasPruned(directory, copy.Name)))
        {
            if (copy.LockUntil > time.GetUtcNow())
            {
                continue;
            }

            if (copy.Complete)
            {
                await bucket.Client.DeleteObjectAsync(bucket.Name, copy.ObjectKey, cancellationToken);
            }
            else
            {
                await AbandonAsync(home, bucket, copy, cancellationToken);
            }

            copies.Forget(copy.Name);
            deleted.Add(copy.Name);
        }

        return deleted;
    }

    private static async Task AbandonAsync(O4OHome home, OffsiteBucket bucket, OffsiteCopy copy, CancellationToken cancellationToken)
    {
        File.Delete(Path.Combine(ArchiveUpload.StagingDirectory(home), copy.Name + ".sealed"));
        try
        {
            await bucket.Client.AbortMultipartUploadAsync(bucket.Name, copy.ObjectKey, copy.UploadId, cancellationToken);
        }
        catch (AmazonS3Exception gone) when (gone.ErrorCode == "NoSuchUpload")
        {
            // The bucket dropped it already.
        }
    }
}
