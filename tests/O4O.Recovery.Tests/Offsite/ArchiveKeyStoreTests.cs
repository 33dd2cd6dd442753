using System.Text;
using O4O.Recovery.Configuration;
using O4O.Recovery.IO;
using O4O.Recovery.Offsite;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>The home's key ring: owner-only from creation, rotated without losing a key, read back from its exported form.</summary>
public sealed class ArchiveKeyStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("o4o-keys-").FullName;
    private readonly SealedFiles _files = new();

    private O4OHome Home => new(Path.Combine(_root, "home"));

    [Fact]
    public void The_key_ring_is_made_in_a_0700_directory_as_a_0600_file_holding_one_256_bit_key_and_a_repository_passphrase()
    {
        var ring = ArchiveKeyStore.LoadOrCreate(Home, TimeProvider.System);

        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(ArchiveKeyStore.DirectoryFor(Home)));
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(ArchiveKeyStore.PathFor(Home)));
        Assert.Equal(ArchiveKey.Length, Assert.Single(ring.Keys).Material.Length);
        Assert.Equal(48, Convert.FromBase64String(ring.RepositoryPassphrase!).Length);
        Assert.Equal(ring.Current.Id, ArchiveKeyStore.LoadOrCreate(Home, TimeProvider.System).Current.Id);
        Assert.Equal([Path.GetFileName(ArchiveKeyStore.PathFor(Home))], Directory.GetFiles(ArchiveKeyStore.DirectoryFor(Home)).Select(Path.GetFileName));
    }

    [Fact]
    public async Task After_a_rotation_new_archives_use_the_new_key_the_old_ones_still_open_and_the_repository_passphrase_stays()
    {
        var before = ArchiveKeyStore.LoadOrCreate(Home, TimeProvider.System);
        var oldPlain = SealedFiles.RandomBytes(300);
        var oldArchive = await _files.SealAsync(oldPlain, before.Current);

        var after = ArchiveKeyStore.Rotate(Home, TimeProvider.System);
        var newPlain = SealedFiles.RandomBytes(300);
        var newArchive = await _files.SealAsync(newPlain, after.Current);
        var reread = ArchiveKeyRing.Read(ArchiveKeyStore.PathFor(Home));

        Assert.NotEqual(before.Current.Id, after.Current.Id);
        Assert.Equal(after.Current.Id, reread.Current.Id);
        Assert.Equal([before.Current.Id, after.Current.Id], reread.Keys.Select(key => key.Id));
        Assert.Equal(before.RepositoryPassphrase, reread.RepositoryPassphrase);
        Assert.Equal(after.Current.Id, Encoding.ASCII.GetString(newArchive, 38, after.Current.Id.Length));
        Assert.Equal(oldPlain, (await _files.OpenAsync(oldArchive, reread)).Written);
        Assert.Equal(newPlain, (await _files.OpenAsync(newArchive, reread)).Written);
        Assert.Equal(SealedArchiveFailure.WrongKey, (await _files.OpenAsync(oldArchive, ArchiveKeyRing.Of([new ArchiveKey(before.Current.Id, after.Current.Material, DateTimeOffset.UtcNow)], "x"))).Failure?.Failure);
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(ArchiveKeyStore.PathFor(Home)));
    }

    [Fact]
    public async Task A_key_file_written_out_reads_back_as_the_same_keys_and_passphrase_and_opens_the_archives()
    {
        ArchiveKeyStore.LoadOrCreate(Home, TimeProvider.System);
        var ring = ArchiveKeyStore.Rotate(Home, TimeProvider.System);
        var archive = await _files.SealAsync(SealedFiles.RandomBytes(10), ring.Keys[0]);
        var exported = Path.Combine(_root, "exported.json");
        await File.WriteAllBytesAsync(exported, ring.ToFile());

        var read = ArchiveKeyRing.Read(exported);

        Assert.Equal(ring.Keys.Select(key => (key.Id, Convert.ToBase64String(key.Material), key.Created)),
            read.Keys.Select(key => (key.Id, Convert.ToBase64String(key.Material), key.Created)));
        Assert.Equal(ring.Current.Id, read.Current.Id);
        Assert.Equal(ring.RepositoryPassphrase, read.RepositoryPassphrase);
        Assert.Null((await _files.OpenAsync(archive, read)).Failure);
    }

    [Theory]
    [InlineData("not json at all", "is not an archive key file")]
    [InlineData("""{"format":"something else","current":"a","keys":[{"id":"a","key":"AAAA"}]}""", "is not an archive key file")]
    [InlineData("""{"format":"o4o-archive-keys 1","current":"a","keys":[{"id":"a","key":"AAAA"}]}""", "has key a that is not 32 bytes")]
    [InlineData("""{"format":"o4o-archive-keys 1","current":"a","keys":[{"id":"a","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}""", "has key a that is not 32 bytes")]
    [InlineData("""{"format":"o4o-archive-keys 1","current":"a","keys":[{"id":"a","key":"not base64 !"}]}""", "has key a that is not 32 bytes")]
    [InlineData("""{"format":"o4o-archive-keys 1","current":"b","keys":[{"id":"a","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}]}""", "names b as current")]
    [InlineData("""{"format":"o4o-archive-keys 1","current":"a","keys":[{"id":"a/../b","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}]}""", "has a key without a valid id")]
    [InlineData("""{"format":"o4o-archive-keys 1","current":"a","keys":[{"id":"a","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},{"id":"a","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}]}""", "lists key a twice")]
    [InlineData("""{"format":"o4o-archive-keys 1","current":"a","keys":[{"id":"a","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}],"repositoryPassphrase":" "}""", "has an empty repositoryPassphrase")]
    public async Task A_malformed_key_file_is_refused_with_one_line_saying_why(string content, string reason)
    {
        var path = Path.Combine(_root, "bad.json");
        await File.WriteAllTextAsync(path, content);

        var error = Assert.Throws<ArchiveKeyFileException>(() => ArchiveKeyRing.Read(path));

        Assert.StartsWith($"Key file {path} {reason}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_missing_key_file_is_refused_with_one_line()
    {
        var path = Path.Combine(_root, "missing.json");

        var error = Assert.Throws<ArchiveKeyFileException>(() => ArchiveKeyRing.Read(path));

        Assert.StartsWith($"Key file {path} cannot be read", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _files.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
