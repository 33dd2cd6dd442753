using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using O4O.Recovery.Backups;
using O4O.Recovery.Processes;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

/// <summary>
/// Bytes no member checksum covers — tar padding, the end-of-archive blocks, gzip trailers — changed after creation:
/// the runbook's <c>tar -xzf</c> fails on such an archive, so verification must fail too, saying what.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ArchiveBytesTests(ManagedPostgresFixture postgres)
{
    private const int EndOfArchive = 2 * 512;

    private const string AroundTheMembers = "the gzip CRC-32 or length check fails around the members, whose data all matched: "
        + "bytes in tar headers, padding, the end-of-archive blocks or a gzip trailer were altered";

    /// <summary>An upload of 100 bytes: 412 bytes of tar padding follow it, then the end-of-archive blocks.</summary>
    private const int UploadSize = 100;

    [Fact]
    public async Task A_flipped_byte_in_tar_padding_fails_verification_by_the_gzip_crc()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await BackupWithUploadAsync(bed);
        Flip(archive, BodyOffsetFromEnd(archive, EndOfArchive + 200));

        await AssertVerificationFailsAsync(bed, archive, AroundTheMembers);
    }

    [Fact]
    public async Task A_flipped_byte_in_the_end_of_archive_blocks_fails_verification()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await BackupWithUploadAsync(bed);
        Flip(archive, BodyOffsetFromEnd(archive, 700));

        await AssertVerificationFailsAsync(bed, archive, AroundTheMembers);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public async Task A_cut_off_gzip_trailer_fails_verification(int cut)
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await BackupWithUploadAsync(bed);
        await using (var file = new FileStream(archive, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length - cut);
        }

        await AssertVerificationFailsAsync(bed, archive, $"the trailer (CRC-32 and length) of gzip member 3 is cut off: {8 - cut} of its 8 bytes remain");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.001)]
    [InlineData(0.3)]
    [InlineData(0.999)]
    [InlineData(1.0)]
    public async Task A_byte_flipped_anywhere_after_creation_fails_verification(double where)
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await BackupWithUploadAsync(bed);
        var length = new FileInfo(archive).Length;
        Flip(archive, Math.Min(length - 1, (long)(length * where)));

        Assert.False((await VerifyAsync(bed)).Passed);
    }

    [Fact]
    public async Task An_archive_rewritten_whole_after_creation_fails_by_its_recorded_sha256()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await BackupWithUploadAsync(bed);
        var rewritten = archive + ".gunzipped";
        await using (var input = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress))
        await using (var output = new GZipStream(File.Create(rewritten), CompressionLevel.Fastest))
        {
            await input.CopyToAsync(output);
        }

        File.Move(rewritten, archive, overwrite: true);

        await AssertVerificationFailsAsync(bed, archive, "its bytes changed since it was written: its SHA-256 is not the one recorded when it was written", tarFails: false);
    }

    [Fact]
    public async Task An_archive_with_no_recorded_sha256_still_verifies_and_says_what_was_not_checked()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        await BackupWithUploadAsync(bed);
        var rebuilt = new BackupCatalogue(Path.Combine(bed.Home.Root, "rebuilt.db"), bed.BackupDirectory);

        var result = await new BackupVerifier(bed.BackupDirectory, bed.Server, rebuilt, TimeProvider.System).VerifyAsync("latest", null, CancellationToken.None);

        Assert.True(result.Passed, result.Failure);
        Assert.StartsWith("no SHA-256 of the whole file was recorded when it was written", result.Note);
    }

    [Fact]
    public async Task A_sound_archive_verifies_with_nothing_left_unchecked_and_tar_extracts_it()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var archive = await BackupWithUploadAsync(bed);

        var result = await VerifyAsync(bed);

        Assert.True(result.Passed, result.Failure);
        Assert.Null(result.Note);
        Assert.Equal(0, (await TarListAsync(archive)).ExitCode);
    }

    private static async Task AssertVerificationFailsAsync(BackupTestBed bed, string archive, string why, bool tarFails = true)
    {
        var result = await VerifyAsync(bed);

        Assert.False(result.Passed);
        Assert.Contains(why, result.Failure);
        Assert.Equal(tarFails, (await TarListAsync(archive)).ExitCode != 0);
    }

    private static Task<VerifyResult> VerifyAsync(BackupTestBed bed) =>
        new BackupVerifier(bed.BackupDirectory, bed.Server, bed.Catalogue, TimeProvider.System).VerifyAsync("latest", null, CancellationToken.None);

    private static Task<CommandResult> TarListAsync(string archive) => CommandRunner.RunAsync(new ProcessStartInfo("tar", ["-tzf", archive]));

    private static async Task<string> BackupWithUploadAsync(BackupTestBed bed)
    {
        Directory.CreateDirectory(PlatformFiles.Uploads(bed.Home));
        await File.WriteAllBytesAsync(Path.Combine(PlatformFiles.Uploads(bed.Home), "logo.png"), new byte[UploadSize]);
        return (await bed.BackupAsync()).ArchivePath;
    }

    private static void Flip(string archive, long offset)
    {
        using var file = new FileStream(archive, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var original = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(original ^ 0x20));
    }

    /// <summary>
    /// Where the tar stream's byte <paramref name="fromEnd"/> bytes before its end lies in the file: the archive's last
    /// gzip member holds the tar stream's end in stored blocks, each after a 5-byte header, before an 8-byte trailer.
    /// </summary>
    private static long BodyOffsetFromEnd(string archive, int fromEnd)
    {
        var bytes = File.ReadAllBytes(archive);
        var blocks = new List<(long Data, int Length)>();
        long position = 0;
        for (var member = 0; position < bytes.Length; member++)
        {
            blocks.Clear();
            position += 10;
            bool final;
            do
            {
                final = (bytes[position] & 1) != 0;
                var length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)position + 1));
                blocks.Add((position + 5, length));
                position += 5 + length;
            }
            while (!final);

            position += 8;
        }

        for (var index = blocks.Count - 1; ; index--)
        {
            if (fromEnd <= blocks[index].Length)
            {
                return blocks[index].Data + blocks[index].Length - fromEnd;
            }

            fromEnd -= blocks[index].Length;
        }
    }
}
