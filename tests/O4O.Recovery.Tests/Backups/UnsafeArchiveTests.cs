using System.Formats.Tar;
using O4O.Recovery.Backups;
using O4O.Tests.Shared;

namespace O4O.Recovery.Tests.Backups;

/// <summary>Archives crafted to write outside <c>$O4O_HOME</c> or to plant links and devices: refused, naming the member.</summary>
[Collection(PostgresCollection.Name)]
public sealed class UnsafeArchiveTests(ManagedPostgresFixture postgres) : IDisposable
{
    /// <summary>Where an escaping member would land; every name below that escapes aims here.</summary>
    private readonly string _outside = Path.Combine(Path.GetTempPath(), $"o4o-escape-{Guid.NewGuid():N}");

    public static TheoryData<string, string> HostileNames => new()
    {
        { "files/{outside}", "its path is absolute after files/" },
        { "files/../../../../../../../../..{outside}", "'..' segment" },
        { "files/uploads/../../../../../../../../..{outside}", "'..' segment" },
        { "files/uploads/./x", "'.' or '..' segment" },
        { "files/uploads//x", "empty, '.' or '..' segment" },
        { "db/../files/x", "'..' segment" },
        { "{outside}", "neither under db/ nor under files/" },
        { "../x", "neither under db/ nor under files/" },
        { "files/", "its path is empty after files/" },
        { "files/uploads/a\nb", "control character" },
        { "files/uploads/a\0b", "control character" },
        { "files/uploads/\u001b[2Jx", "control character" },
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Verify_rejects_an_archive_with_a_member_whose_name_could_leave_its_directory(string template, string why)
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();
        var name = template.Replace("{outside}", _outside, StringComparison.Ordinal);
        await CraftedArchive.AddMemberAsync(backup.ArchivePath, name);

        var result = await Verifier(bed).VerifyAsync("latest", null, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Contains($"member {Printable(name)} is unsafe: ", result.Failure);
        Assert.Contains(why, result.Failure);
        Assert.DoesNotContain('\n', result.Failure!);
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Restore_refuses_an_archive_with_a_hostile_member_name_before_touching_anything(string template, string why)
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();
        var name = template.Replace("{outside}", _outside, StringComparison.Ordinal);
        await CraftedArchive.AddMemberAsync(backup.ArchivePath, name);

        var refused = await Assert.ThrowsAsync<BackupCorruptException>(() =>
            bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: false, _ => true, null, CancellationToken.None));

        Assert.Contains(why, refused.Message);
        Assert.False(File.Exists(_outside));
        Assert.Equal(0L, await PlatformSchema.ScalarAsync(bed.Postgres.Cluster.ConnectionString(),
            $"SELECT count(*) FROM pg_database WHERE datname LIKE '{bed.Server.DatabaseName}\\_%'"));
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink, "symbolic link")]
    [InlineData(TarEntryType.HardLink, "hard link")]
    [InlineData(TarEntryType.CharacterDevice, "device file")]
    [InlineData(TarEntryType.BlockDevice, "device file")]
    [InlineData(TarEntryType.Fifo, "FIFO")]
    [InlineData(TarEntryType.Directory, "directory")]
    public async Task Verify_and_restore_reject_a_member_that_is_not_a_regular_file_before_the_database_is_swapped(TarEntryType type, string what)
    {
        using var bed = await BackupTestBed.CreateAsync(postgres);
        var backup = await bed.BackupAsync();
        await CraftedArchive.AddMemberAsync(backup.ArchivePath, "files/uploads/planted", type, linkTarget: _outside);
        await PlatformSchema.ScalarAsync(bed.Database, "INSERT INTO users (email, name) VALUES ('after@example.com', 'After the backup')");
        var live = await PlatformSchema.HashesAsync(bed.Database);

        var result = await Verifier(bed).VerifyAsync("latest", null, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<BackupCorruptException>(() =>
            bed.Restore().RestoreAsync(backup.ArchivePath, databaseOnly: false, _ => true, null, CancellationToken.None));

        Assert.Equal($"member files/uploads/planted is unsafe: it is a {what}", result.Failure![(result.Archive.Length + 2)..]);
        Assert.Contains("member files/uploads/planted is unsafe", refused.Message);
        Assert.False(Path.Exists(Path.Combine(bed.Home.Root, "uploads", "planted")));
        Assert.False(Path.Exists(_outside));
        Assert.Equal(live, await PlatformSchema.HashesAsync(bed.Database));
        Assert.Equal(0L, await PlatformSchema.ScalarAsync(bed.Postgres.Cluster.ConnectionString(),
            $"SELECT count(*) FROM pg_database WHERE datname LIKE '{bed.Server.DatabaseName}\\_%'"));
    }

    public void Dispose() => File.Delete(_outside);

    /// <summary>The name as the message shows it: control characters escaped, so it stays one line.</summary>
    private static string Printable(string name) =>
        string.Concat(name.Select(character => char.IsControl(character) ? $"\\u{(int)character:x4}" : character.ToString()));

    private static BackupVerifier Verifier(BackupTestBed bed) => new(bed.BackupDirectory, bed.Server, bed.Catalogue, TimeProvider.System);
}
