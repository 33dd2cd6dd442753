using System.Diagnostics;
using System.Formats.Tar;
using O4O.Recovery.Backups;

namespace O4O.Recovery.Tests.Backups;

public sealed class UstarHeaderTests
{
    private static readonly DateTimeOffset _time = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GNU_tar_and_TarReader_read_the_name_mode_size_and_time_of_a_header_built_apart_from_its_data()
    {
        var data = "SELECT 1;\n"u8.ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"o4o-ustar-{Guid.NewGuid():N}.tar");
        try
        {
            await File.WriteAllBytesAsync(path, [
                .. UstarHeader.For("db/o4o_db_20261126_030000.sql.gz", data.Length, UnixFileMode.UserRead | UnixFileMode.UserWrite, _time),
                .. data, .. new byte[UstarHeader.Padding(data.Length) + 2 * UstarHeader.Length]]);

            using var tar = Process.Start(new ProcessStartInfo("tar", ["--utc", "-tvf", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var listing = await tar.StandardOutput.ReadToEndAsync();
            await tar.WaitForExitAsync();
            Assert.True(tar.ExitCode == 0, await tar.StandardError.ReadToEndAsync());
            Assert.Matches(@"^-rw------- 0/0 +10 2026-11-26 03:00 db/o4o_db_20261126_030000\.sql\.gz\n$", listing);

            await using var reader = new TarReader(File.OpenRead(path));
            var entry = (await reader.GetNextEntryAsync())!;
            Assert.Equal(("db/o4o_db_20261126_030000.sql.gz", 10L, _time), (entry.Name, entry.Length, entry.ModificationTime));
            Assert.Null(await reader.GetNextEntryAsync());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_dump_of_8_GiB_or_more_gets_a_base_256_size_that_TarReader_reads()
    {
        const long Size = 10L << 30;
        var path = Path.Combine(Path.GetTempPath(), $"o4o-ustar-{Guid.NewGuid():N}.tar");
        try
        {
            await using (var file = File.Create(path))
            {
                file.Write(UstarHeader.For("db/big.sql.gz", Size, UnixFileMode.UserRead, _time));
                file.SetLength(UstarHeader.Length + Size + 2 * UstarHeader.Length); // sparse: the data is a hole
            }

            await using var reader = new TarReader(File.OpenRead(path));
            var entry = (await reader.GetNextEntryAsync())!;

            Assert.Equal(Size, entry.Length);
            Assert.Null(await reader.GetNextEntryAsync());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
