using O4O.Recovery.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

[Collection(PostgresCollection.Name)]
public sealed class BackupVerifyTests(ManagedPostgresFixture postgres)
{
    [Fact]
    public async Task A_sound_archive_passes_verification_with_a_test_restore_and_the_result_is_catalogued()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        await bed.BackupAsync();
        var backup = await bed.BackupAsync();

        var result = await Verifier(bed).VerifyAsync(Path.GetFileName(backup.ArchivePath), null, CancellationToken.None);

        Assert.True(result.Passed, result.Failure);
        var entry = Assert.Single(await bed.Catalogue.SyncAsync(CancellationToken.None), e => e.Name == result.Archive);
        Assert.True(entry.Verified);
        Assert.Null(await PlatformSchema.ScalarAsync(bed.Postgres.Cluster.ConnectionString(), "SELECT datname FROM pg_database WHERE datname LIKE 'o4o_verify_%'"));
    }

    [Fact]
    public async Task A_tampered_byte_fails_verification_naming_the_member()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();
        await using (var file = new FileStream(backup.ArchivePath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length / 2; // inside the dump, by far the largest member
            var original = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(original ^ 0x5A));
        }

        var result = await Verifier(bed).VerifyAsync("latest", null, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Contains($"member {backup.Manifest.DatabaseMember.Path}", result.Failure);
        Assert.False((await bed.Catalogue.SyncAsync(CancellationToken.None)).Single().Verified);
    }

    [Fact]
    public async Task A_truncated_archive_fails_verification_with_a_clear_reason()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();
        await using (var file = new FileStream(backup.ArchivePath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length / 2);
        }

        var result = await Verifier(bed).VerifyAsync("latest", null, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Matches("truncated", result.Failure);
    }

    [Fact]
    public async Task Replacing_an_older_archive_breaks_the_hash_chain()
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var first = await bed.BackupAsync();
        var second = await bed.BackupAsync();
        var third = await bed.BackupAsync();
        File.Copy(third.ArchivePath, first.ArchivePath, overwrite: true);

        var result = await Verifier(bed).VerifyAsync(Path.GetFileName(second.ArchivePath), null, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Contains($"hash chain broken: {Path.GetFileName(first.ArchivePath)}", result.Failure);
    }

    private static BackupVerifier Verifier(BackupTestBed bed) => new(bed.BackupDirectory, bed.Server, bed.Catalogue, TimeProvider.System);
}
