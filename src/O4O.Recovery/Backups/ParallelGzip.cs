using System.Buffers;
using System.Security.Cryptography;

namespace O4O.Recovery.Backups;

/// <summary>What <see cref="ParallelGzip.CompressAsync"/> wrote.</summary>
/// <param name="InputBytes">Uncompressed bytes read.</param>
/// <param name="OutputBytes">Compressed bytes written.</param>
/// <param name="Sha256">SHA-256 of the compressed output, lowercase hex.</param>
internal sealed record CompressedOutput(long InputBytes, long OutputBytes, string Sha256);

/// <summary>
/// gzip on every core: the input is cut into 4 MiB chunks, each compressed on its own as a complete gzip member,
/// and the members are written in order. Concatenated members are one valid <c>.gz</c> (RFC 1952 §2.2), which
/// <c>gunzip</c> reads as a whole — single-threaded gzip is what makes the runbook's pipeline slow.
/// </summary>
internal static class ParallelGzip
{
    /// <summary>The chunk size: large enough that a fresh dictionary per chunk costs almost nothing in ratio.</summary>
    public const int ChunkSize = 4 << 20;

    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/> until the source ends.</summary>
    /// <param name="source">The data to compress, e.g. pg_dump's standard output.</param>
    /// <param name="destination">Where the gzip members are written.</param>
    /// <param name="progress">Receives the number of uncompressed bytes read so far.</param>
    /// <param name="cancellationToken">Stops reading and compressing.</param>
    public static async Task<CompressedOutput> CompressAsync(Stream source, Stream destination, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var inFlight = new Queue<Task<Compressed>>();
        var maxInFlight = Environment.ProcessorCount + 1;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long input = 0, output = 0, chunks = 0;
        var mix = Task.FromResult(LevelMix.Fixed);
        try
        {
            while (true)
            {
                var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
                var length = await source.ReadAtLeastAsync(chunk.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken);
                if (length == 0)
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                    break;
                }

                input += length;
                progress?.Report(input);
                var sequence = chunks++;
                if (LevelMix.CanProbe && sequence % LevelMix.ProbeEvery == 0)
                {
                    // Probed beside the other chunks' compression; this chunk and the next wait for its answer.
                    mix = Task.Run(() => LevelMix.Probe(chunk, length, sequence), cancellationToken);
                }

                var chosen = mix;
                inFlight.Enqueue(Task.Run(() => CompressChunkAsync(chunk, length, sequence, chosen), cancellationToken));
                if (inFlight.Count >= maxInFlight)
                {
                    output += await WriteOldestAsync(inFlight, destination, hash, cancellationToken);
                }
            }

            while (inFlight.Count > 0)
            {
                output += await WriteOldestAsync(inFlight, destination, hash, cancellationToken);
            }
        }
        finally
        {
            // Let abandoned compressions finish so their buffers are not reused while still being read.
            await Task.WhenAll(inFlight).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return new CompressedOutput(input, output, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async Task<long> WriteOldestAsync(Queue<Task<Compressed>> inFlight, Stream destination, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var compressed = await inFlight.Dequeue();
        try
        {
            var bytes = compressed.Buffer.AsMemory(0, compressed.Length);
            hash.AppendData(bytes.Span);
            await destination.WriteAsync(bytes, cancellationToken);
            return compressed.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed.Buffer);
        }
    }

    private static async Task<Compressed> CompressChunkAsync(byte[] chunk, int length, long sequence, Task<LevelMix> mix)
    {
        try
        {
            return GzipChunk.Compress(chunk, length, (await mix).EncoderFor(sequence));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}

/// <summary>A compressed chunk in a pooled buffer.</summary>
internal readonly record struct Compressed(byte[] Buffer, int Length);
