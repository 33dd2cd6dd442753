using O4O.Recovery.Backups;
using O4O.Recovery.IO;

namespace O4O.Recovery.Offsite;

/// <summary>
/// What a restore from a physical set needs of an archive in the bucket: the configuration and platform files, which lie
/// after the dump, and the manifest with their checksums, which lies before it. Only the sealed chunks that hold them are
/// brought down, by ranged reads, and decrypted at their places into a sparse copy of the archive in which the dump is a
/// hole; the files are then read from it past the dump (<see cref="StoredDumpReader.TryOpenAfter"/>). Each chunk
/// authenticates itself (<see cref="SealedChunks"/>) and each file is checked against the manifest as it is put back; the
/// SHA-256 of the whole object, which only a whole download can check, is not.
/// </summary>
internal static class ArchiveFilesFetch
{
    /// <summary>
    /// Brings down the chunks of archive <paramref name="name"/> its platform files need into <paramref name="directory"/> and
    /// returns the sparse copy's path; null, with nothing left behind, when the archive is not laid out as o4o writes it
    /// (then it is to be downloaded whole).
    /// </summary>
    /// <exception cref="OffsiteException">The bucket cannot be read.</exception>
    /// <exception cref="SealedArchiveException">It does not open with the key file's keys, or was changed.</exception>
    /// <exception cref="BackupCorruptException">Its manifest is damaged.</exception>
    public static async Task<string?> FetchAsync(OffsiteBucket bucket, string name, ArchiveKeyRing keys, string directory, CancellationToken cancellationToken)
    {
        var key = bucket.ArchiveKey(name);
        var length = await OffsiteDownload.LengthAsync(bucket, key, name, cancellationToken);
        var start = await OffsiteDownload.ReadRangeAsync(bucket, key, name, 0, Math.Min(length, SealedChunks.MaxHeaderLength) - 1, cancellationToken);
        using var chunks = await SealedChunks.OpenAsync(start, length, keys, cancellationToken);
        var archive = MemberPath.Inside(directory, name);
        var complete = false;
        try
        {
            await using (var created = new FileStream(archive, PrivateFiles.CreateNew(FileAccess.Write)))
            {
                created.SetLength(chunks.PlainLength);
            }

            var fetch = new Fetch(bucket, key, name, chunks, archive);
            if (StoredDumpReader.HeadLength(await fetch.ChunksAsync(0, 0, cancellationToken)) is not { } headLength)
            {
                return null;
            }

            var headEnd = chunks.ChunkOf(headLength - 1);
            await fetch.ChunksAsync(1, headEnd, cancellationToken);
            var dump = (await ArchiveReader.ReadManifestAsync(archive, cancellationToken)).DatabaseMember;
            if (StoredDumpReader.TailStart(archive, dump) is not { } tail)
            {
                return null;
            }

            await fetch.ChunksAsync(Math.Max(headEnd + 1, chunks.ChunkOf(tail)), chunks.Count - 1, cancellationToken);
            complete = true;
            return archive;
        }
        finally
        {
            if (!complete)
            {
                File.Delete(archive);
            }
        }
    }

    /// <summary>Brings chunks down, one ranged read per run of them, and writes each decrypted at its place in the copy.</summary>
    private sealed class Fetch(OffsiteBucket bucket, string key, string name, SealedChunks chunks, string copy)
    {
        // A few chunks per read: a run of them is neither one request each nor held in memory whole.
        private const int ChunksPerRead = 8;

        /// <summary>Chunks <paramref name="first"/> to <paramref name="last"/> (none when last is before first); returns the last one's plaintext.</summary>
        public async Task<byte[]> ChunksAsync(long first, long last, CancellationToken cancellationToken)
        {
            var plain = new byte[chunks.ChunkSize];
            var plainLength = 0;
            await using var output = new FileStream(copy, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Write, BufferSize = 0 });
            var recordSize = chunks.ChunkSize + SealedArchiveHeader.TagLength;
            for (var from = first; from <= last; from += ChunksPerRead)
            {
                var to = Math.Min(last, from + ChunksPerRead - 1);
                var (offset, end) = chunks.Range(from, to);
                var records = await OffsiteDownload.ReadRangeAsync(bucket, key, name, offset, end, cancellationToken);
                for (var index = from; index <= to; index++)
                {
                    // An object cut short since its length was read leaves a record short or empty: a truncation, not a crash.
                    var at = (int)Math.Min(records.Length, (index - from) * recordSize);
                    plainLength = chunks.Open(index, records.AsSpan(at, Math.Min(recordSize, records.Length - at)), plain);
                    output.Position = index * chunks.ChunkSize;
                    await output.WriteAsync(plain.AsMemory(0, plainLength), cancellationToken);
                }
            }

            output.Flush(flushToDisk: true);
            return plain[..plainLength];
        }
    }
}
