using System.Buffers;
using System.Diagnostics;
using System.Text;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Tests.Backups;

public sealed class GzipChunkTests
{
    public static TheoryData<string> Encoders => ["libdeflate level 1", "libdeflate level 5", "zlib"];

    [Theory]
    [MemberData(nameof(Encoders))]
    public async Task Chunks_compressed_one_by_one_are_one_gz_file_that_gunzip_reads_back_whole(string encoder)
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i =>
            $"{i}\tcustomer-{i * 7919 % 100_003}@example.com\t{i * 31 % 997}.{i % 100:00}\t{{\"tier\": \"t{i % 5}\"}}\n")));
        var path = Path.Combine(Path.GetTempPath(), $"o4o-gzip-{Guid.NewGuid():N}.gz");
        try
        {
            await using (var file = File.Create(path))
            {
                foreach (var half in new[] { text[..(text.Length / 2)], text[(text.Length / 2)..] })
                {
                    var chunk = ArrayPool<byte>.Shared.Rent(half.Length);
                    half.CopyTo(chunk, 0);
                    var compressed = encoder.StartsWith("libdeflate", StringComparison.Ordinal) ? GzipChunk.WithLibdeflate(chunk, half.Length, encoder[^1] - '0') : GzipChunk.WithZlib(chunk, half.Length);
                    await file.WriteAsync(compressed.Buffer.AsMemory(0, compressed.Length));
                    Assert.True(compressed.Length < half.Length / 3, $"{encoder} wrote {compressed.Length} bytes for {half.Length}");
                    ArrayPool<byte>.Shared.Return(compressed.Buffer);
                    ArrayPool<byte>.Shared.Return(chunk);
                }
            }

            using var gunzip = Process.Start(new ProcessStartInfo("gunzip", ["-c", path]) { RedirectStandardOutput = true })!;
            using var restored = new MemoryStream();
            await gunzip.StandardOutput.BaseStream.CopyToAsync(restored);
            await gunzip.WaitForExitAsync();

            Assert.Equal(0, gunzip.ExitCode);
            Assert.True(text.AsSpan().SequenceEqual(restored.ToArray()), "gunzip did not give back the bytes compressed");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
