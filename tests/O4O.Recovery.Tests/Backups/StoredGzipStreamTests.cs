using System.Diagnostics;
using System.IO.Compression;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Tests.Backups;

public sealed class StoredGzipStreamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(65_535)]
    [InlineData(200_000)]
    public async Task Members_written_in_pieces_are_as_long_as_announced_and_read_back_whole_by_gunzip(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        var path = Path.Combine(Path.GetTempPath(), $"o4o-stored-{Guid.NewGuid():N}.gz");
        try
        {
            long firstMember;
            await using (var file = File.Create(path))
            {
                using (var gzip = new StoredGzipStream(file))
                {
                    foreach (var piece in data.Chunk(7_001))
                    {
                        await gzip.WriteAsync(piece);
                    }

                    gzip.Finish();
                }

                firstMember = file.Length;
                file.Write(StoredGzipStream.Member("and a second member"u8));
            }

            Assert.Equal(StoredGzipStream.MemberLength(size), firstMember);
            using var gunzip = Process.Start(new ProcessStartInfo("gunzip", ["-c", path]) { RedirectStandardOutput = true })!;
            using var read = new MemoryStream();
            await gunzip.StandardOutput.BaseStream.CopyToAsync(read);
            await gunzip.WaitForExitAsync();
            Assert.Equal(0, gunzip.ExitCode);
            Assert.Equal([.. data, .. "and a second member"u8.ToArray()], read.ToArray());

            using var dotnet = new MemoryStream();
            await using (var inflate = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
            {
                await inflate.CopyToAsync(dotnet);
            }

            Assert.Equal(read.ToArray(), dotnet.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
