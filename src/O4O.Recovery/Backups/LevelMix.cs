using System.Buffers;
using System.Runtime.InteropServices;

namespace O4O.Recovery.Backups;

/// <summary>One way to compress a chunk, with its CPU cost per byte relative to zlib's level 6 (<c>gzip -6</c>).</summary>
/// <param name="Level">The compression level.</param>
/// <param name="ZlibNg">.NET's zlib-ng rather than libdeflate.</param>
/// <param name="Cost">CPU time per byte against zlib level 6, measured on the five data shapes of bench/backup.sh.</param>
internal readonly record struct ChunkEncoder(int Level, bool ZlibNg, double Cost);

/// <summary>
/// Which encoder compresses each chunk of a stream: the cheapest mix of two encoders whose output is no larger than
/// <c>gzip -6</c>'s on the same data, the runbook's archive. No single level serves every kind of data: libdeflate's
/// level 1 is 0.98–1.11 of gzip's size, its level 5 0.92–1.02 and level 6 0.91–1.01 on the five shapes, and on a table of
/// short repeated Korean text, md5 fragments and small JSON (shape 2) only zlib-ng's level 7 (0.96) or libdeflate's
/// level 8 (0.97, at twice the CPU) come under. So the stream's data is probed: a 1 MiB sample of its first chunk, and
/// again every <see cref="ProbeEvery"/> chunks as the tables change, is compressed by each candidate and by the system
/// zlib at level 6 (the algorithm and level of <c>gzip -6</c>, within 0.4 % of its size), and the chunks that follow
/// alternate between the two candidates whose blend reaches <see cref="Target"/> of zlib's size at the least cost.
/// </summary>
internal sealed partial class LevelMix
{
    /// <summary>Chunks between probes: 256 MiB, so probing costs about 1 % of the compression.</summary>
    public const int ProbeEvery = 64;

    /// <summary>The share of zlib's size aimed at: a margin for the sample not being the whole chunk.</summary>
    internal const double Target = 0.985;

    private const int SampleSize = 1 << 20;
    private const string SystemZlib = "libz.so.1";

    // Costs against zlib level 6, CPU time on 4 MiB chunks of the five shapes' dumps (medians over the shapes).
    private static readonly ChunkEncoder[] _candidates =
    [
        new(1, ZlibNg: false, Cost: 0.21),
        new(5, ZlibNg: false, Cost: 0.45),
        new(6, ZlibNg: false, Cost: 0.56),
        new(7, ZlibNg: true, Cost: 0.8),
    ];

    private readonly ChunkEncoder _low;
    private readonly ChunkEncoder _high;
    private readonly double _highShare;
    private readonly long _first;

    private LevelMix(ChunkEncoder low, ChunkEncoder high, double highShare, long first) =>
        (_low, _high, _highShare, _first) = (low, high, highShare, first);

    /// <summary>Whether chunks can be probed: libdeflate and the system zlib both load.</summary>
    public static bool CanProbe { get; } = GzipChunk.UsesLibdeflate && NativeLibrary.TryLoad(SystemZlib, typeof(LevelMix).Assembly, null, out _);

    /// <summary>Without probing: zlib-ng at level 5, as small as <c>gzip -6</c> on every shape, in less time.</summary>
    public static LevelMix Fixed { get; } = new(new(5, ZlibNg: true, Cost: 0.5), new(5, ZlibNg: true, Cost: 0.5), 0, 0);

    /// <summary>The encoder for chunk <paramref name="sequence"/> of the stream.</summary>
    public ChunkEncoder EncoderFor(long sequence)
    {
        // Spread the high encoder's chunks evenly, rounding up: the first n chunks hold at least n × share high ones,
        // so a stream of a few chunks is not left with too few (the first chunk is high whenever the share is above 0).
        var n = sequence - _first;
        return Math.Ceiling((n + 1) * _highShare) > Math.Ceiling(n * _highShare) ? _high : _low;
    }

    /// <summary>Probes chunk <paramref name="sequence"/> (<paramref name="length"/> bytes of <paramref name="chunk"/>) for the mix of the chunks from it on.</summary>
    public static LevelMix Probe(byte[] chunk, int length, long sequence)
    {
        var sampleLength = Math.Min(length, SampleSize);
        var sample = chunk.AsSpan((length - sampleLength) / 2, sampleLength);
        var goal = Target * ZlibSize(sample);
        var sizes = new double[_candidates.Length];
        for (var index = 0; index < sizes.Length; index++)
        {
            sizes[index] = CompressedSize(sample, _candidates[index]);
        }

        return Cheapest(sizes, goal, sequence);
    }

    /// <summary>The cheapest single candidate or blend of two with the expected size at most <paramref name="goal"/>.</summary>
    internal static LevelMix Cheapest(double[] sizes, double goal, long first)
    {
        var smallest = Array.IndexOf(sizes, sizes.Min());
        var best = new LevelMix(_candidates[smallest], _candidates[smallest], 0, first);
        var bestCost = double.MaxValue;
        for (var low = 0; low < sizes.Length; low++)
        {
            for (var high = 0; high < sizes.Length; high++)
            {
                if (sizes[high] > goal || (low != high && sizes[low] <= goal))
                {
                    continue;
                }

                // The share of high chunks that brings the blend's size down to the goal (none when low alone is under).
                var share = low == high ? 0 : (sizes[low] - goal) / (sizes[low] - sizes[high]);
                var cost = ((1 - share) * _candidates[low].Cost) + (share * _candidates[high].Cost);
                if (cost < bestCost)
                {
                    (best, bestCost) = (new LevelMix(_candidates[low], _candidates[high], share, first), cost);
                }
            }
        }

        return best;
    }

    private static int CompressedSize(ReadOnlySpan<byte> sample, ChunkEncoder encoder)
    {
        var copy = ArrayPool<byte>.Shared.Rent(sample.Length);
        try
        {
            sample.CopyTo(copy);
            var compressed = GzipChunk.Compress(copy, sample.Length, encoder);
            ArrayPool<byte>.Shared.Return(compressed.Buffer);
            return compressed.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static long ZlibSize(ReadOnlySpan<byte> sample)
    {
        var capacity = CompressBound((nuint)sample.Length);
        var output = ArrayPool<byte>.Shared.Rent(checked((int)capacity));
        try
        {
            var written = capacity;
            // zlib's own framing differs from gzip's by a constant 12 bytes, nothing next to a megabyte.
            return Compress2(output, ref written, sample, (nuint)sample.Length, 6) == 0
                ? (long)written
                : throw new InvalidOperationException("zlib could not compress a sample within its own bound.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    [LibraryImport(SystemZlib, EntryPoint = "compressBound")]
    private static partial nuint CompressBound(nuint sourceLength);

    [LibraryImport(SystemZlib, EntryPoint = "compress2")]
    private static partial int Compress2(Span<byte> destination, ref nuint destinationLength, ReadOnlySpan<byte> source, nuint sourceLength, int level);
}
