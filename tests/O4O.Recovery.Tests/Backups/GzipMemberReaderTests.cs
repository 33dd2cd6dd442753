using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Tests.Backups;

public sealed class GzipMemberReaderTests
{
    [Fact]
    public async Task Members_of_any_size_read_back_as_the_data_they_compress()
    {
        var rows = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 200_000).Select(i => $"{i}\tuser{i}@example.com\t{i % 997}.{i % 100:00}\n")));
        var noise = RandomNumberGenerator.GetBytes(10 << 20); // compresses to more than the reader's first window
        var data = rows.Concat(noise).Concat(rows).ToArray();
        using var gz = new MemoryStream();
        foreach (var (offset, length) in new[] { (0, rows.Length / 3), (rows.Length / 3, rows.Length - rows.Length / 3), (rows.Length, noise.Length), (rows.Length + noise.Length, rows.Length) })
        {
            gz.Write(Compress(data.AsSpan(offset, length)));
        }

        gz.Position = 0;
        await using var reader = GzipMemberReader.Open(gz);
        using var read = new MemoryStream();
        await reader.CopyToAsync(read, 100_000);

        Assert.Equal(SHA256.HashData(data), SHA256.HashData(read.ToArray()));
    }

    [Fact]
    public async Task Truncated_data_is_refused_as_invalid()
    {
        var compressed = Compress(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 50_000).Select(i => $"row {i}\n"))));
        await using var reader = GzipMemberReader.Open(new MemoryStream(compressed[..^100]));

        await Assert.ThrowsAsync<InvalidDataException>(() => reader.CopyToAsync(Stream.Null));
    }

    private static byte[] Compress(ReadOnlySpan<byte> data)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(chunk);
        var compressed = GzipChunk.Compress(chunk, data.Length, LevelMix.Fixed.EncoderFor(0));
        ArrayPool<byte>.Shared.Return(chunk);
        var bytes = compressed.Buffer.AsSpan(0, compressed.Length).ToArray();
        ArrayPool<byte>.Shared.Return(compressed.Buffer);
        return bytes;
    }
}
