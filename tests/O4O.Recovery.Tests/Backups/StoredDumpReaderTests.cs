using System.Diagnostics;
using O4O.Recovery.Backups;
using O4O.Recovery.IO;

namespace O4O.Recovery.Tests.Backups;

public sealed class StoredDumpReaderTests : IDisposable
{
    private const string DumpPath = "db/o4o_db_20261126_030000.sql.gz";
    private const int ManifestRoom = 4_096;
    private readonly string _archive = Path.Combine(Path.GetTempPath(), $"o4o-stored-dump-{Guid.NewGuid():N}.tar.gz");
    private readonly byte[] _dump = new byte[200_000];

    public StoredDumpReaderTests() => new Random(7).NextBytes(_dump);

    private ManifestMember Dump => new(DumpPath, _dump.Length, "");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_534)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(131_070)]
    [InlineData(199_999)]
    public async Task Reads_the_dump_from_any_offset_to_its_end_straight_from_an_archive_o4o_wrote(int offset)
    {
        await WriteArchiveAsync();

        await using var reader = StoredDumpReader.TryOpen(_archive, Dump, offset);

        Assert.NotNull(reader);
        using var rest = new MemoryStream();
        await reader.CopyToAsync(rest);
        Assert.Equal(_dump[offset..], rest.ToArray());
    }

    [Fact]
    public async Task An_archive_recompressed_by_hand_is_read_front_to_back_instead_with_the_same_bytes()
    {
        await WriteArchiveAsync();
        var recompressed = _archive + ".gzip9";
        using (var gzip = Process.Start(new ProcessStartInfo("sh", ["-c", $"gunzip -c '{_archive}' | gzip -9 > '{recompressed}'"]))!)
        {
            await gzip.WaitForExitAsync();
            Assert.Equal(0, gzip.ExitCode);
        }

        File.Move(recompressed, _archive, overwrite: true);

        Assert.Null(StoredDumpReader.TryOpen(_archive, Dump, 70_000));
        await using var opened = await ArchiveReader.OpenDumpAtAsync(_archive, Dump, 70_000, CancellationToken.None);
        Assert.Equal(_dump[70_000..], await ReadAsync(opened.Data, _dump.Length - 70_000));
    }

    [Fact]
    public async Task A_damaged_block_header_is_reported_against_the_dump_member()
    {
        await WriteArchiveAsync();
        var manifestMember = StoredGzipStream.MemberLength(UstarHeader.Length + ManifestRoom);
        var firstBlock = manifestMember + StoredGzipStream.MemberLength(UstarHeader.Length) + StoredGzipStream.MemberHeader.Length;
        await using (var file = File.OpenWrite(_archive))
        {
            file.Position = firstBlock + 2 * (StoredGzipStream.BlockHeader + StoredGzipStream.MaxBlock) + 1;
            file.WriteByte(0x00);
        }

        await using var reader = StoredDumpReader.TryOpen(_archive, Dump, 0);

        Assert.NotNull(reader);
        var damage = await Assert.ThrowsAsync<BackupCorruptException>(() => ReadAsync(reader, _dump.Length));
        Assert.Contains($"member {DumpPath} is damaged", damage.Message);
    }

    [Fact]
    public async Task A_truncated_archive_is_not_opened_directly_and_is_reported_as_damaged_when_read()
    {
        await WriteArchiveAsync();
        await using (var file = File.OpenWrite(_archive))
        {
            file.SetLength(file.Length - 100_000);
        }

        Assert.Null(StoredDumpReader.TryOpen(_archive, Dump, 0));
        var damage = await Assert.ThrowsAsync<BackupCorruptException>(async () =>
        {
            await using var opened = await ArchiveReader.OpenDumpAtAsync(_archive, Dump, 0, CancellationToken.None);
            await ArchiveReader.CopyAsync(new SliceStream(opened.Data, _dump.Length), Stream.Null, _archive, DumpPath, CancellationToken.None);
        });
        Assert.Contains($"member {DumpPath} is damaged or truncated", damage.Message);
    }

    [Fact]
    public async Task An_archive_whose_dump_header_names_another_member_is_not_opened_directly()
    {
        await WriteArchiveAsync();

        Assert.Null(StoredDumpReader.TryOpen(_archive, Dump with { Path = "db/another.sql.gz" }, 0));
        Assert.Null(StoredDumpReader.TryOpen(_archive, Dump with { Size = _dump.Length + 1 }, 0));
    }

    public void Dispose() => File.Delete(_archive);

    private async Task WriteArchiveAsync()
    {
        await using var writer = ArchiveWriter.Create(_archive);
        var dump = writer.BeginDump(ManifestRoom);
        foreach (var piece in _dump.Chunk(30_001))
        {
            await dump.WriteAsync(piece);
        }

        await writer.FinishAsync("{}"u8.ToArray(), DumpPath, [], new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero), CancellationToken.None);
    }

    private static async Task<byte[]> ReadAsync(Stream stream, int count)
    {
        var read = new byte[count];
        await stream.ReadExactlyAsync(read);
        return read;
    }
}
