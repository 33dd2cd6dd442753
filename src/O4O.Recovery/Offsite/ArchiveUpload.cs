using Amazon.S3;
using Amazon.S3.Model;
using O4O.Recovery.Backups;
using O4O.Recovery.Configuration;
using O4O.Recovery.Containment;
using O4O.Recovery.IO;
using O4O.Recovery.State;

namespace O4O.Recovery.Offsite;

/// <summary>
/// Takes one archive off-site: sealed with <see cref="ArchiveCipher"/> into <c>offsite-staging/</c> (kept until the copy is
/// complete, so a resumed upload sends the same bytes) in the one pass (<see cref="StagedSeal"/>) that also takes its SHA-256 and each
/// part's MD5 (<see cref="PartDigests"/>); then a multipart upload, <see cref="Concurrency"/> parts at a time, each streamed
/// from the staged file with its Content-MD5 and recorded in <see cref="OffsiteCopies"/> only when the server's ETag is that
/// MD5 — so a byte changed on the disk after sealing fails its part. Interrupted anywhere — the server gone, the process
/// killed — the next call sends the parts not recorded. The copy counts only once the upload is completed and the object's
/// size and SHA-256 (in its metadata) are the recorded ones. Once the shop is isolated (<see cref="Isolation"/>) no part is
/// sent and those in flight are cut (<see cref="IsolationWatch"/>): nothing more leaves the machine, and the upload resumes
/// from its recorded parts after <c>o4o isolate off</c>.
/// </summary>
internal sealed class ArchiveUpload(O4OHome home, OffsiteBucket bucket, OffsiteCopies copies, OffsiteOptions options, TimeProvider time)
{
    /// <summary>The object metadata that holds the sealed object's SHA-256.</summary>
    public const string Sha256Metadata = "x-amz-meta-o4o-sha256";

    /// <summary>The bytes per part of new uploads (<see cref="OffsiteOptions.PartSizeMiB"/>; tests use less, which s3rver takes).</summary>
    internal long PartSize { get; init; } = options.PartSize;

    /// <summary>How many parts are on their way at once by default: one stream would wait on each part's round trip.</summary>
    public const int DefaultConcurrency = 4;

    /// <summary>How many parts are on their way at once; each is streamed from the staged file, none held in memory.</summary>
    internal int Concurrency { get; init; } = DefaultConcurrency;

    /// <summary>Called after each part is recorded, with its number: where a test interrupts an upload.</summary>
    internal Func<int, Task>? PartUploaded { get; init; }

    /// <summary>Told after an upload when the isolation flag could only be polled while it ran (<see cref="IsolationWatch.PollingOnly"/>).</summary>
    internal Func<string, Task>? Warned { get; init; }

    /// <summary>Where sealed archives wait until their copy is complete.</summary>
    public static string StagingDirectory(O4OHome home) => Path.Combine(home.Root, "offsite-staging");

    /// <summary>Uploads <paramref name="archive"/> (a path), or finishes its interrupted upload; returns the complete copy.</summary>
    /// <exception cref="Amazon.Runtime.AmazonServiceException">The bucket refused a request.</exception>
    /// <exception cref="HttpRequestException">The bucket cannot be reached.</exception>
    /// <exception cref="OffsiteException">The server acknowledged something else than was sent, or did not answer within <see cref="OffsiteOptions.Timeout"/>.</exception>
    /// <exception cref="OffsiteIsolatedException">The shop is isolated, or was while the upload ran: it stopped there.</exception>
    public async Task<OffsiteCopy> UploadAsync(string archive, CancellationToken cancellationToken)
    {
        using var isolation = new IsolationWatch(home, time, cancellationToken);
        try
        {
            isolation.Check();
            return await UploadAsync(archive, isolation, isolation.Token);
        }
        catch (OperationCanceledException) when (isolation.Isolated && !cancellationToken.IsCancellationRequested)
        {
            var parts = copies.Find(Path.GetFileName(archive)) is { Complete: false } copy ? $" with {copies.Parts(copy.Name).Count} part(s) sent" : "";
            throw new OffsiteIsolatedException(
                $"the upload of {Path.GetFileName(archive)} stopped{parts}: the shop is isolated; it resumes after `o4o isolate off`.");
        }
        catch (Exception timedOut) when (timedOut is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The SDK's request timeout (which the conductor's job did not take for a failed upload, and stopped): the endpoint
            // took the request and never answered.
            throw new OffsiteException($"{bucket.Unanswered}; the upload resumes where it stopped at the next attempt.", timedOut);
        }
        finally
        {
            // Afterwards: a refused watch is reported on the watcher's Error event, after its start.
            if (isolation.PollingOnly is { } why && Warned is { } warned)
            {
                await warned(why);
            }
        }
    }

    private async Task<OffsiteCopy> UploadAsync(string archive, IsolationWatch isolation, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(archive);
        var staged = Path.Combine(StagingDirectory(home), name + ".sealed");
        if (copies.Find(name) is { } earlier)
        {
            if (earlier.Complete)
            {
                return earlier;
            }

            if (await StagedDigestsAsync(staged, earlier, cancellationToken) is { } digests)
            {
                try
                {
                    return await FinishAsync(earlier, staged, digests, isolation, cancellationToken);
                }
                catch (AmazonS3Exception gone) when (gone.ErrorCode == "NoSuchUpload")
                {
                    // The bucket dropped the upload (aborted, or expired by a lifecycle rule): start again below.
                }
            }

            await AbortAsync(earlier, cancellationToken);
            copies.Forget(name);
        }

        var (copy, partDigests) = await BeginAsync(archive, staged, cancellationToken);
        return await FinishAsync(copy, staged, partDigests, isolation, cancellationToken);
    }

    private async Task<(OffsiteCopy Copy, IReadOnlyList<byte[]> PartDigests)> BeginAsync(string archive, string staged, CancellationToken cancellationToken)
    {
        PrivateFiles.CreateDirectory(StagingDirectory(home));
        var partial = staged + ".partial";
        File.Delete(partial);
        var (sha256, partDigests) = await StagedSeal.WriteAsync(archive, partial, ArchiveKeyStore.LoadOrCreate(home, time).Current, PartSize, cancellationToken);
        File.Move(partial, staged, overwrite: true);
        var name = Path.GetFileName(archive);
        var key = bucket.ArchiveKey(name);
        var request = new InitiateMultipartUploadRequest { BucketName = bucket.Name, Key = key, ContentType = "application/octet-stream" };
        request.Metadata.Add(Sha256Metadata, sha256);
        var lockUntil = ObjectLock.Retain(request, await ObjectLock.ReadAsync(bucket, cancellationToken), options, time);

        var started = await bucket.Client.InitiateMultipartUploadAsync(request, cancellationToken);
        var copy = new OffsiteCopy(name, key, started.UploadId, PartSize, new FileInfo(staged).Length, sha256, lockUntil, time.GetUtcNow(), null);
        copies.Begin(copy);
        return (copy, partDigests);
    }

    private async Task<OffsiteCopy> FinishAsync(OffsiteCopy copy, string staged, IReadOnlyList<byte[]> partDigests, IsolationWatch isolation,
        CancellationToken cancellationToken)
    {
        // Killed after the completion but before it was recorded: the object is there already.
        if (!await IsStoredAsync(copy, cancellationToken))
        {
            var parts = await UploadPartsAsync(copy, staged, partDigests, isolation, cancellationToken);
            isolation.Check();
            cancellationToken.ThrowIfCancellationRequested();
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

    // Up to Concurrency parts on their way at once; each acknowledged one is recorded (one at a time, even when another part
    // failed meanwhile), so that a cut anywhere leaves recorded only parts the server holds, and as many of them as it can.
    // Each part looks at the isolation flag as it starts, so that none begins after the flag was set, however soon.
    private async Task<IReadOnlyDictionary<int, string>> UploadPartsAsync(OffsiteCopy copy, string staged, IReadOnlyList<byte[]> partDigests,
        IsolationWatch isolation, CancellationToken cancellationToken)
    {
        var done = copies.Parts(copy.Name);
        using var recording = new SemaphoreSlim(1, 1);
        await Parallel.ForEachAsync(Enumerable.Range(1, partDigests.Count).Where(number => !done.ContainsKey(number)),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (number, token) =>
            {
                isolation.Check();
                token.ThrowIfCancellationRequested();
                var etag = await UploadPartAsync(copy, staged, number, partDigests[number - 1], token);
                await recording.WaitAsync(CancellationToken.None);
                try
                {
                    copies.AddPart(copy.Name, number, etag);
                    if (PartUploaded is { } uploaded)
                    {
                        await uploaded(number);
                    }
                }
                finally
                {
                    recording.Release();
                }
            });
        return copies.Parts(copy.Name);
    }

    private async Task<string> UploadPartAsync(OffsiteCopy copy, string staged, int number, byte[] md5, CancellationToken cancellationToken)
    {
        var offset = (number - 1) * copy.PartSize;
        var response = await bucket.Client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket.Name,
            Key = copy.ObjectKey,
            UploadId = copy.UploadId,
            PartNumber = number,
            FilePath = staged,
            FilePosition = offset,
            PartSize = Math.Min(copy.PartSize, copy.Size - offset),
            MD5Digest = Convert.ToBase64String(md5),
            UseChunkEncoding = false,
            // Off-site endpoints are https only (OffsiteOptions): TLS and the Content-MD5 checked below carry the part
            // intact, where signing its payload would hash every part once more before it is sent.
            DisablePayloadSigning = true,
        }, cancellationToken);
        var etag = response.ETag.Trim('"');
        var sealedMd5 = Convert.ToHexStringLower(md5);
        return string.Equals(etag, sealedMd5, StringComparison.OrdinalIgnoreCase)
            ? etag
            : throw new OffsiteException($"part {number} of {bucket.Address(copy.ObjectKey)} was acknowledged as {etag}, not the MD5 of what was sealed ({sealedMd5}): the staged copy or the transfer changed it.");
    }

    private async Task<bool> IsStoredAsync(OffsiteCopy copy, CancellationToken cancellationToken) =>
        await StoredObject.ReadAsync(bucket, copy.ObjectKey, cancellationToken) is { } stored && stored.Size == copy.Size && stored.Sha256 == copy.Sha256;

    // The staged copy's part digests, taken in the pass that checks it is still the one the upload began with; null when it is not.
    private static async Task<IReadOnlyList<byte[]>?> StagedDigestsAsync(string staged, OffsiteCopy copy, CancellationToken cancellationToken)
    {
        if (!File.Exists(staged) || new FileInfo(staged).Length != copy.Size)
        {
            return null;
        }

        using var parts = new PartDigests(copy.PartSize);
        await using var input = new FileStream(staged, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        using var hashing = new HashingStream(input, leaveOpen: true, parts.Add);
        await hashing.CopyToAsync(Stream.Null, 1 << 20, cancellationToken);
        return hashing.Sha256() == copy.Sha256 ? parts.Completed() : null;
    }

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

/// <summary>An upload stopped because the shop is isolated: nothing failed, and nothing more may leave the machine.</summary>
internal sealed class OffsiteIsolatedException(string message) : Exception(message);
