using O4O.Recovery.Backups;
using O4O.Recovery.IO;

namespace O4O.Recovery.Tests.Backups;

public sealed class DumpPartQueueTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("o4o-parts-");

    [Fact]
    public async Task Parts_finishing_in_any_order_land_in_the_member_in_their_own_order_and_leave_no_spool_file()
    {
        using var member = new MemoryStream();
        await using (var queue = new DumpPartQueue(_directory.FullName, 3))
        {
            await queue.Part(2).WriteAsync("post-data"u8.ToArray());
            await queue.CompleteAsync(2, CancellationToken.None);
            await queue.Part(1).WriteAsync("data, "u8.ToArray());
            await queue.Part(0).WriteAsync("schema, "u8.ToArray());

            await queue.BeginAsync(member, CancellationToken.None);
            Assert.Equal("schema, "u8.ToArray(), member.ToArray());
            Assert.Equal(2, _directory.GetFiles().Length); // parts 1 and 2 wait their turn; part 0 now writes straight through

            await queue.CompleteAsync(0, CancellationToken.None);
            await queue.Part(1).WriteAsync("more data, "u8.ToArray());
            await queue.CompleteAsync(1, CancellationToken.None);
        }

        Assert.Equal("schema, data, more data, post-data"u8.ToArray(), member.ToArray());
        Assert.Empty(_directory.GetFiles());
    }

    [Fact]
    public async Task Spool_files_of_an_abandoned_dump_are_removed()
    {
        await using (var queue = new DumpPartQueue(_directory.FullName, 2))
        {
            await queue.Part(1).WriteAsync(new byte[1000]);
            Assert.Single(_directory.GetFiles());
        }

        Assert.Empty(_directory.GetFiles());
    }

    [Fact]
    public async Task A_part_waiting_its_turn_is_spooled_to_a_file_only_its_owner_can_read()
    {
        await using var queue = new DumpPartQueue(_directory.FullName, 2);

        // A dump holds the users table with its password hashes, whatever the process's umask.
        await queue.Part(1).WriteAsync("users"u8.ToArray());

        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(Assert.Single(_directory.GetFiles()).FullName));
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
