using System.IO.Pipelines;
using System.Security.Cryptography;
using O4O.Recovery.IO;

namespace O4O.Recovery.Offsite;

/// <summary>
/// Seals an archive into a new staged file in one read of it, taking on the way the sealed bytes' SHA-256 and each part's
/// MD5 (<see cref="PartDigests"/>): the encryption, the SHA-256 with the write, and the MD5s each on a thread of their own,
/// a few MiB apart at most, so that on two cores the pass takes about its slowest step rather than the sum of them.
/// </summary>
internal static class StagedSeal
{
    /// <summary>Seals <paramref name="archive"/> into <paramref name="path"/> (created owner-only, flushed to the disk).</summary>
    public static async Task<(string Sha256, IReadOnlyList<byte[]> PartDigests)> WriteAsync(
        string archive, string path, ArchiveKey key, long partSize, CancellationToken cancellationToken)
    {
        // The encryption waits once the digests fall this far behind: memory stays bounded whatever the archive's size.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, minimumSegmentSize: 64 << 10,
            useSynchronizationContext: false));
        var digesting = DigestAndWriteAsync(pipe.Reader, path, partSize, cancellationToken);
        try
        {
            await using (var input = File.OpenRead(archive))
            await using (var sealedBytes = pipe.Writer.AsStream(leaveOpen: true))
            {
                await ArchiveCipher.EncryptAsync(input, sealedBytes, key, cancellationToken);
            }

            await pipe.Writer.CompleteAsync();
        }
        catch (Exception failure)
        {
            // Ended with the failure, not as a whole: the digests stop there and no sealed file is reported.
            await pipe.Writer.CompleteAsync(failure);
            await Task.WhenAny(digesting);
            throw;
        }

        return await digesting;
    }

    private static async Task<(string Sha256, IReadOnlyList<byte[]> PartDigests)> DigestAndWriteAsync(
        PipeReader reader, string path, long partSize, CancellationToken cancellationToken)
    {
        try
        {
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var parts = new PartDigests(partSize);
            await using var output = new FileStream(path, PrivateFiles.CreateNew(FileAccess.Write, 1 << 20));
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                var md5 = Task.Run(() =>
                {
                    foreach (var segment in buffer)
                    {
                        parts.Add(segment.Span);
                    }
                }, cancellationToken);
                foreach (var segment in buffer)
                {
                    sha256.AppendData(segment.Span);
                    await output.WriteAsync(segment, cancellationToken);
                }

                await md5;
                reader.AdvanceTo(buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            output.Flush(flushToDisk: true);
            await reader.CompleteAsync();
            return (Convert.ToHexStringLower(sha256.GetHashAndReset()), parts.Completed());
        }
        catch (Exception failure)
        {
            // The encryption's writes then end at once instead of waiting on a reader that is gone.
            await reader.CompleteAsync(failure);
            throw;
        }
    }
}
