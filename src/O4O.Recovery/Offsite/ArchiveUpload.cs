using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.State;

namespace O4O.Recovery.Offsite;

/// <summary>
/// Takes one archive off-site: sealed with <see cref="ArchiveCipher"/> into <c>offsite-staging/</c> (kept until the copy is
/// complete, so a resumed upload sends the same bytes), then a multipart upload whose every part carries its Content-MD5
/// and is recorded in <see cref="OffsiteCopies"/> only when the server's ETag is that MD5. Interrupted anywhere — the
/// server gone, the process killed — the next call goes on from the last acknowledged part. The copy counts only once the
/// upload is completed and the object's size and SHA-256 (in its metadata) are the recorded ones.
/// </summary>
internal sealed class ArchiveUpload(O4OHome home, OffsiteBucket bucket, OffsiteCopies copies, OffsiteOptions options, TimeProvider time)
{
    /// <summary>The bytes per part: few requests for a big archive, 10,000 parts (S3's limit) reach 160 GB.</summary>
    public const long DefaultPartSize = 16 << 20;

    /// <summary>The object metadata that holds the sealed object's SHA-256.</summary>
    public const string Sha256Metadata = "x-amz-meta-o4o-sha256";

    /// <summary>The bytes per part of new uploads (S3 wants at least 5 MiB but for the last one; tests use less).</summary>
    internal long PartSize { get; init; } = DefaultPartSize;

    /// <summary>Called after each part is recorded, with its number: where a test interrupts an upload.</summary>
    internal Func<int, Task>? PartUploaded { get; init; }

    /// <summary>Where sealed archives wait until their copy is complete.</summary>
    public static string StagingDirectory(O4OHome home) => Path.Combine(home.Root, "offsite-staging");

    /// <summary>Uploads <paramref name="archive"/> (a path), or finishes its interrupted upload; returns the complete copy.</summary>
    /// <exception cref="Amazon.Runtime.AmazonServiceException">The bucket refused a request.</exception>
    /// <exception cref="HttpRequestException">The bucket cannot be reached.</exception>
    /// <exception cref="OffsiteException">The server acknowledged something else than was sent.</exception>
    public async Task<OffsiteCopy> UploadAsync(string archive, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(archive);
        var staged = Path.Combine(StagingDirectory(home), name + ".sealed");
        if (copies.Find(name) is { } earlier)
        {
            if (earlier.Complete)
            {
                return earlier;
            }

            if (await StagedIsAsync(staged, earlier, cancellationToken))
            {
                try
                {
                    return await FinishAsync(earlier, staged, cancellationToken);
                }
                catch (AmazonS3Exception gone) when (gone.ErrorCode == "NoSuchUpload")
                {
                    // The bucket dropped the upload (aborted, or expired by a lifecycle rule): start again below.
                }
            }

            await AbortAsync(earlier, cancellationToken);
            copies.Forget(name);
        }

        return await FinishAsync(await BeginAsync(archive, staged, cancellationToken), staged, cancellationToken);
    }

    private async Task<OffsiteCopy> BeginAsync(string archive, string staged, CancellationToken cancellationToken)
    {
        PrivateFiles.CreateDirectory(StagingDirectory(home));
        var partial = staged + ".partial";
        File.Delete(partial);
        await using (var input = File.OpenRead(archive))
        await using (var output = new FileStream(partial, PrivateFiles.CreateNew(FileAccess.Write, 1 << 20)))
        {
            await ArchiveCipher.EncryptAsync(input, output, ArchiveKeyStore.LoadOrCreate(home, time).Current, cancellationToken);
            output.Flush(flushToDisk: true);
        }

        File.Move(partial, staged, overwrite: true);
        var name = Path.GetFileName(archive);
        var key = bucket.ArchiveKey(name);
        var sha256 = await HashingStream.FileSha256Async(staged, cancellationToken);
        var request = new InitiateMultipartUploadRequest { BucketName = bucket.Name, Key = key, ContentType = "application/octet-stream" };
        request.Metadata.Add(Sha256Metadata, sha256);
        var lockUntil = ObjectLock.Retain(request, await ObjectLock.ReadAsync(bucket, cancellationToken), options, time);

        var started = await bucket.Client.InitiateMultipartUploadAsync(request, cancellationToken);
        var copy = new OffsiteCopy(name, key, started.UploadId, PartSize, new FileInfo(staged).Length, sha256, lockUntil, time.GetUtcNow(), null);
        copies.Begin(copy);
        return copy;
    }

    private async Task<OffsiteCopy> FinishAsync(OffsiteCopy copy, string staged, CancellationToken cancellationToken)
    {
        // Killed after the completion but before it was recorded: the object is there already.
        if (!await IsStoredAsync(copy, cancellationToken))
        {
            var parts = await UploadPartsAsync(copy, staged, cancellationToken);
            await bucket.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket.Name,
                Key = copy.ObjectKey,
                UploadId = copy.UploadId,
                PartETags = [.. parts.OrderBy(part => part.Key).Select(part => new PartETag(part.Key, part.Value))],
            }, cancellationToken);
            if (!await IsStoredAsync(copy, cancellationToken))
            {
                throw new OffsiteException($"{bucket.Address(copy.ObjectKey)} is not the {copy.Size} bytes with SHA-256 {copy.Sha256} that were uploaded.");
            }
        }

        copies.Complete(copy.Name, time.GetUtcNow());
        File.Delete(staged);
        return copies.Find(copy.Name)!;
    }

    private async Task<IReadOnlyDictionary<int, string>> UploadPartsAsync(OffsiteCopy copy, string staged, CancellationToken cancellationToken)
    {
        var done = copies.Parts(copy.Name);
        var count = (int)((copy.Size + copy.PartSize - 1) / copy.PartSize);
        var buffer = new byte[copy.PartSize];
        await using var input = File.OpenRead(staged);
        foreach (var number in Enumerable.Range(1, count).Where(number => !done.ContainsKey(number)))
        {
            input.Position = (number - 1) * copy.PartSize;
            var length = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            var md5 = PartDigest(buffer.AsSpan(0, length));
            var response = await bucket.Client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket.Name,
                Key = copy.ObjectKey,
                UploadId = copy.UploadId,
                PartNumber = number,
                InputStream = new MemoryStream(buffer, 0, length, writable: false),
                MD5Digest = Convert.ToBase64String(md5),
                UseChunkEncoding = false,
            }, cancellationToken);
            var etag = response.ETag.Trim('"');
            if (!string.Equals(etag, Convert.ToHexStringLower(md5), StringComparison.OrdinalIgnoreCase))
            {
                throw new OffsiteException($"part {number} of {bucket.Address(copy.ObjectKey)} was acknowledged as {etag}, not the MD5 of what was sent ({Convert.ToHexStringLower(md5)}).");
            }

            copies.AddPart(copy.Name, number, etag);
            if (PartUploaded is { } uploaded)
            {
                await uploaded(number);
            }
        }

        return copies.Parts(copy.Name);
    }

    // S3 identifies a part by its MD5 (its ETag): a transfer check the server makes and answers, not a security measure.
#pragma warning disable CA5351
    private static byte[] PartDigest(ReadOnlySpan<byte> part) => MD5.HashData(part);
#pragma warning restore CA5351

    private async Task<bool> IsStoredAsync(OffsiteCopy copy, CancellationToken cancellationToken) =>
        await StoredObject.ReadAsync(bucket, copy.ObjectKey, cancellationToken) is { } stored && stored.Size == copy.Size && stored.Sha256 == copy.Sha256;

    private static async Task<bool> StagedIsAsync(string staged, OffsiteCopy copy, CancellationToken cancellationToken) =>
        File.Exists(staged) && new FileInfo(staged).Length == copy.Size && await HashingStream.FileSha256Async(staged, cancellationToken) == copy.Sha256;

    private async Task AbortAsync(OffsiteCopy copy, CancellationToken cancellationToken)
    {
        try
        {
            await bucket.Client.AbortMultipartUploadAsync(bucket.Name, copy.ObjectKey, copy.UploadId, cancellationToken);
        }
        catch (AmazonS3Exception)
        {
            // Already gone, or the server does not know it: its parts were never listed as a copy either way.
        }
    }
}
