using System.Diagnostics;
using O4O.Recovery.Backups;
using O4O.Recovery.Processes;
using O4O.Recovery.State;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

[Collection(PostgresCollection.Name)]
public sealed class BackupFailureTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task A_full_disk_fails_the_backup_clearly_and_leaves_no_partial_archive()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var small = Path.Combine(bed.Home.Root, "small");
        Directory.CreateDirectory(small);
        // A 16 KiB file system: the dump fits, the archive does not.
        var mount = await CommandRunner.RunAsync(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", small]));
        Assert.True(mount.ExitCode == 0, $"this test mounts a tmpfs and needs root: {mount.LastErrorLine}");
        try
        {
            // A previous archive of one byte: the estimate lets the backup start, as a wrong estimate would.
            var previous = Path.Combine(small, ArchiveName.For(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
            await File.WriteAllBytesAsync(previous, [0]);
            var creator = new BackupCreator(bed.Home, small, bed.Server, TimeProvider.System);

            var error = await Assert.ThrowsAsync<BackupFailedException>(() => creator.CreateAsync(false, null, null, CancellationToken.None));

            Assert.StartsWith("Writing the backup failed: No space left on device", error.Message);
            Assert.DoesNotContain(Directory.GetFiles(small), file => !file.EndsWith(".lock", StringComparison.Ordinal) && file != previous);
        }
        finally
        {
            await CommandRunner.RunAsync(new ProcessStartInfo("umount", [small]));
        }
    }

    [Fact]
    public async Task The_catalogue_is_rebuilt_from_the_manifests_when_state_db_is_lost()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var backup = await bed.BackupAsync();
        File.Delete(bed.Home.StateDatabase);

        var rebuilt = await new BackupCatalogue(bed.Home.StateDatabase, bed.BackupDirectory).SyncAsync(CancellationToken.None);

        var entry = Assert.Single(rebuilt);
        Assert.Equal(backup.Sha256, entry.Sha256);
        Assert.Equal(backup.Manifest.ToJson(), entry.Manifest.ToJson());
    }

    [Fact]
    public async Task A_foreign_tar_gz_is_refused_as_not_an_o4o_backup()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres, seed: false);
        var foreign = Path.Combine(bed.BackupDirectory, "o4o_backup_20240101_000000.tar.gz");
        await File.WriteAllTextAsync(Path.Combine(bed.Home.Root, "readme.txt"), "hello");
        var tar = await CommandRunner.RunAsync(new ProcessStartInfo("tar", ["-czf", foreign, "-C", bed.Home.Root, "readme.txt"]));
        Assert.Equal(0, tar.ExitCode);

        var error = await Assert.ThrowsAsync<BackupCorruptException>(() => ArchiveReader.CheckMembersAsync(foreign, CancellationToken.None));

        Assert.Equal("o4o_backup_20240101_000000.tar.gz: not an O4O backup: manifest.json is not its first member", error.Message);
    }
}
