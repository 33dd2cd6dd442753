using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace O4O.Recovery.Backups;

/// <summary>
/// Compresses one chunk into one complete gzip member, with Debian's libdeflate (<c>libdeflate0</c>) or .NET's zlib-ng
/// at the level <see cref="LevelMix"/> picked for it.
/// </summary>
internal static partial class GzipChunk
{
    internal const string Libdeflate = "libdeflate.so.0";
    /// <summary>Whether libdeflate could be loaded on this machine.</summary>
    public static bool UsesLibdeflate { get; } = NativeLibrary.TryLoad(Libdeflate, typeof(GzipChunk).Assembly, null, out _);

    /// <summary>Compresses <paramref name="length"/> bytes of <paramref name="chunk"/> into a pooled buffer the caller returns.</summary>
    /// <param name="chunk">The data.</param>
    /// <param name="length">How much of it.</param>
    /// <param name="encoder">Which library and level.</param>
    public static Compressed Compress(byte[] chunk, int length, ChunkEncoder encoder) =>
        encoder.ZlibNg ? WithZlib(chunk, length, encoder.Level) : WithLibdeflate(chunk, length, encoder.Level);

    internal static Compressed WithLibdeflate(byte[] chunk, int length, int level)
    {
        var compressor = AllocCompressor(level);
        if (compressor == 0)
        {
            throw new InvalidOperationException("libdeflate could not allocate a compressor (out of memory).");
        }

        try
        {
            var buffer = ArrayPool<byte>.Shared.Rent(checked((int)GzipCompressBound(compressor, (nuint)length)));
            var written = (int)GzipCompress(compressor, chunk.AsSpan(0, length), (nuint)length, buffer, (nuint)buffer.Length);
            // The bound guarantees room; zero would mean libdeflate broke its own contract.
            return written > 0 ? new Compressed(buffer, written) : throw new InvalidOperationException("libdeflate could not compress a chunk within its own bound.");
        }
        finally
        {
            FreeCompressor(compressor);
        }
    }

    internal static Compressed WithZlib(byte[] chunk, int length, int level)
    {
        using var buffer = new PooledBufferStream(length / 2 + 1024);
        using (var gzip = new GZipStream(buffer, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
        {
            gzip.Write(chunk, 0, length);
        }

        return buffer.Detach();
    }

    [LibraryImport(Libdeflate, EntryPoint = "libdeflate_alloc_compressor")]
    private static partial nint AllocCompressor(int level);

    [LibraryImport(Libdeflate, EntryPoint = "libdeflate_gzip_compress_bound")]
    private static partial nuint GzipCompressBound(nint compressor, nuint length);

    [LibraryImport(Libdeflate, EntryPoint = "libdeflate_gzip_compress")]
    private static partial nuint GzipCompress(nint compressor, ReadOnlySpan<byte> input, nuint length, Span<byte> output, nuint capacity);

    [LibraryImport(Libdeflate, EntryPoint = "libdeflate_free_compressor")]
    private static partial void FreeCompressor(nint compressor);
}
